package io.mtgate.handshake;

import io.mtgate.crypto.RsaKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the auth-key handshake (checklist section 2).
 *
 * @param rsaKeys the server's RSA keys (2048-bit); all of their fingerprints are offered in every
 *     resPQ, in this order. Non-empty, distinct fingerprints.
 * @param dcId this DC's id as clients write it in {@code p_q_inner_data_dc}: the production id
 *     (e.g. 2) for a production DC, id + 10000 for a test DC. Must be positive. Accepted inner
 *     {@code dc} values are exactly {@code dcId} and {@code -dcId} (a media connection to this DC);
 *     anything else gets transport error -444. Variants without a dc field are accepted.
 * @param maxTempKeyLifetime largest accepted {@code expires_in} of a temporary key (e.g. 1 day)
 * @param forgetAfter how long an attempt (its state and cached replies) is remembered after its
 *     req_pq (checklist 2.9: 10 minutes)
 * @param maxConcurrentAttempts attempts kept per connection; a new req_pq beyond this forgets the
 *     oldest attempt
 */
public record HandshakeConfig(List<RsaKey> rsaKeys, int dcId, Duration maxTempKeyLifetime, Duration forgetAfter,
        int maxConcurrentAttempts) {

    /** Largest {@link #maxConcurrentAttempts()} accepted (keeps per-connection memory small). */
    public static final int MAX_ATTEMPTS_LIMIT = 64;

    public HandshakeConfig {
        Objects.requireNonNull(rsaKeys, "rsaKeys");
        Objects.requireNonNull(maxTempKeyLifetime, "maxTempKeyLifetime");
        Objects.requireNonNull(forgetAfter, "forgetAfter");
        rsaKeys = List.copyOf(rsaKeys); // also rejects null elements
        if (rsaKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one RSA key is required");
        }
        Set<Long> seen = new HashSet<>();
        for (RsaKey k : rsaKeys) {
            if (k.modulusBytes() != 256) {
                throw new IllegalArgumentException("RSA keys must be 2048-bit (256-byte modulus): " + k);
            }
            if (!seen.add(k.fingerprint())) {
                throw new IllegalArgumentException("two RSA keys with the same fingerprint: " + k);
            }
        }
        if (dcId <= 0) {
            throw new IllegalArgumentException("dcId must be positive, got " + dcId);
        }
        if (maxTempKeyLifetime.isNegative() || maxTempKeyLifetime.getSeconds() < 1
                || maxTempKeyLifetime.getSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxTempKeyLifetime must be between 1 s and 2^31-1 s");
        }
        if (forgetAfter.isNegative() || forgetAfter.isZero()) {
            throw new IllegalArgumentException("forgetAfter must be positive");
        }
        if (maxConcurrentAttempts < 1 || maxConcurrentAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxConcurrentAttempts must be in [1, " + MAX_ATTEMPTS_LIMIT + "], got " + maxConcurrentAttempts);
        }
    }

    /** Defaults: temp keys up to 1 day, attempts forgotten after 10 minutes, 8 attempts per connection. */
    public static HandshakeConfig of(List<RsaKey> rsaKeys, int dcId) {
        return new HandshakeConfig(rsaKeys, dcId, Duration.ofDays(1), Duration.ofMinutes(10), 8);
    }

    /** The configured key with this fingerprint, or null. */
    RsaKey keyFor(long fingerprint) {
        for (RsaKey k : rsaKeys) {
            if (k.fingerprint() == fingerprint) {
                return k;
            }
        }
        return null;
    }
}
