package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;

/**
 * An auth key as the store keeps it.
 *
 * <p>The body is copied on the way in and on the way out, so a caller can neither change a stored
 * key nor be surprised by a later change; {@link #equals} compares bodies by content (in constant
 * time) and {@link #toString} never prints the body.
 *
 * @param id        the key id (never 0: 0 marks plain messages)
 * @param body      exactly 256 bytes, big-endian {@code g_b^a mod p}
 * @param type      permanent, temporary or media temporary
 * @param createdAt creation time
 * @param expiresAt {@code null} for a permanent key; for a temporary key the instant from which it
 *                  no longer exists (strictly after {@code createdAt})
 */
public record StoredAuthKey(AuthKeyId id, byte[] body, AuthKeyType type, Instant createdAt, Instant expiresAt) {

    /** Length of an auth key in bytes. */
    public static final int BODY_LENGTH = 256;

    public StoredAuthKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        if (id.value() == 0) {
            throw new IllegalArgumentException("auth_key_id 0 is reserved for plain messages");
        }
        if (body.length != BODY_LENGTH) {
            throw new IllegalArgumentException("auth key body must be " + BODY_LENGTH + " bytes, got " + body.length);
        }
        if (type == AuthKeyType.PERMANENT) {
            if (expiresAt != null) {
                throw new IllegalArgumentException("a permanent key has no expiresAt");
            }
        } else {
            Objects.requireNonNull(expiresAt, "expiresAt is required for a temporary key");
            if (!expiresAt.isAfter(createdAt)) {
                throw new IllegalArgumentException("expiresAt must be after createdAt");
            }
        }
        body = body.clone();
    }

    /** A permanent key. */
    public static StoredAuthKey permanent(AuthKeyId id, byte[] body, Instant createdAt) {
        return new StoredAuthKey(id, body, AuthKeyType.PERMANENT, createdAt, null);
    }

    /** A temporary or media temporary key. */
    public static StoredAuthKey temporary(AuthKeyId id, byte[] body, AuthKeyType type, Instant createdAt,
                                          Instant expiresAt) {
        if (!type.isTemporary()) {
            throw new IllegalArgumentException("not a temporary type: " + type);
        }
        return new StoredAuthKey(id, body, type, createdAt, expiresAt);
    }

    /** A copy of the 256 key bytes. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** True when this is a temporary key whose lifetime has ended at {@code now} (expiry is exclusive). */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The same key with another createdAt (stores use it to keep what the column can hold). */
    StoredAuthKey withCreatedAt(Instant newCreatedAt) {
        return new StoredAuthKey(id, body, type, newCreatedAt, expiresAt);
    }

    /** The key as a store returns it after saving: a permanent key's createdAt in whole seconds. */
    StoredAuthKey asPersisted() {
        return type.isTemporary() ? this : withCreatedAt(createdAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredAuthKey k
                && id.equals(k.id)
                && type == k.type
                && createdAt.equals(k.createdAt)
                && Objects.equals(expiresAt, k.expiresAt)
                && MessageDigest.isEqual(body, k.body);
    }

    @Override
    public int hashCode() {
        // The body is left out on purpose: a hash of key material must not leak through maps or logs.
        return Objects.hash(id, type, createdAt, expiresAt);
    }

    @Override
    public String toString() {
        return "StoredAuthKey[id=" + id + ", type=" + type + ", createdAt=" + createdAt
                + ", expiresAt=" + expiresAt + ", body=<" + BODY_LENGTH + " bytes hidden>]";
    }
}
