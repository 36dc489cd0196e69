package io.mtgate.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mtgate.crypto.AuthKeyId;
import java.time.Duration;
import java.time.Instant;

/**
 * The salt each new key got from its DH exchange ({@code new_nonce[0..8] XOR server_nonce[0..8]}),
 * accepted for a while after the key was made so the client's first messages pass without a
 * bad_server_salt round trip. Kept in this node's memory (bounded): a client that reaches another
 * node with it, or comes back after a restart, gets one bad_server_salt carrying the current salt,
 * which every client handles.
 */
public final class InitialSalts {
    private record Entry(long salt, Instant validUntil) {
    }

    private final Cache<AuthKeyId, Entry> salts;
    private final Duration validity;

    public InitialSalts(Duration validity, long maxKeys) {
        this.validity = validity;
        this.salts = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterWrite(validity).build();
    }

    public void record(AuthKeyId key, long salt, Instant createdAt) {
        salts.put(key, new Entry(salt, createdAt.plus(validity)));
    }

    public boolean accepts(AuthKeyId key, long salt, Instant now) {
        Entry e = salts.getIfPresent(key);
        return e != null && e.salt == salt && now.isBefore(e.validUntil);
    }

    public void forget(AuthKeyId key) {
        salts.invalidate(key);
    }
}
