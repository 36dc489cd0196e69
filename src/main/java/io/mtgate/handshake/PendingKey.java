package io.mtgate.handshake;

import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.AuthKeyId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A freshly computed auth key waiting to be persisted by the adapter (see
 * {@link HandshakeStep.StoreKey}). Accessors follow record naming. Identity matters: pass this very
 * object back to {@link HandshakeSession#onKeyStored}. {@link #toString()} shows no key material.
 */
public final class PendingKey {
    private final AuthKey authKey;
    private final boolean temporary;
    private final int expiresInSeconds;
    private final long initialServerSalt;
    private final Instant createdAt;
    private final int dcId;
    private final boolean media;
    /** The session and attempt this key belongs to (opaque handle for onKeyStored). */
    final HandshakeSession owner;
    final Object attempt;

    PendingKey(AuthKey authKey, boolean temporary, int expiresInSeconds, long initialServerSalt, Instant createdAt,
            int dcId, boolean media, HandshakeSession owner, Object attempt) {
        this.authKey = Objects.requireNonNull(authKey, "authKey");
        this.temporary = temporary;
        this.expiresInSeconds = expiresInSeconds;
        this.initialServerSalt = initialServerSalt;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.dcId = dcId;
        this.media = media;
        this.owner = owner;
        this.attempt = attempt;
    }

    /** The 256-byte key (its {@code id()} is the auth_key_id to store under). */
    public AuthKey authKey() {
        return authKey;
    }

    /** Shortcut for {@code authKey().id()}. */
    public AuthKeyId authKeyId() {
        return authKey.id();
    }

    /**
     * True for keys made from {@code p_q_inner_data_temp(_dc)}: keep in RAM only and drop no later
     * than {@link #expiresAt()} (checklist 2.5, 2.8).
     */
    public boolean temporary() {
        return temporary;
    }

    /** The client's {@code expires_in} (1..maxTempKeyLifetime) for temporary keys, 0 for permanent ones. */
    public int expiresInSeconds() {
        return expiresInSeconds;
    }

    /** {@code createdAt + expiresInSeconds} for temporary keys, empty for permanent ones. */
    public Optional<Instant> expiresAt() {
        return temporary ? Optional.of(createdAt.plusSeconds(expiresInSeconds)) : Optional.empty();
    }

    /**
     * First valid server salt of the key: {@code new_nonce[0..8) XOR server_nonce[0..8)} read as a
     * little-endian int64 (checklist 2.8).
     */
    public long initialServerSalt() {
        return initialServerSalt;
    }

    /** When the key was computed (the session's clock). */
    public Instant createdAt() {
        return createdAt;
    }

    /** The DC the key belongs to ({@link HandshakeConfig#dcId()}). */
    public int dcId() {
        return dcId;
    }

    /** True when the client sent a negative dc (a media-only connection of this DC). */
    public boolean media() {
        return media;
    }

    @Override
    public String toString() {
        return "PendingKey[id=" + authKey.id() + (temporary ? ", temporary, expiresIn=" + expiresInSeconds : ", permanent")
                + ", dc=" + dcId + (media ? ", media" : "") + ", createdAt=" + createdAt + "]";
    }
}
