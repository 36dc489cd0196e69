package io.mtgate.session;

import io.mtgate.authkey.AuthKeyType;
import io.mtgate.crypto.AuthKeyId;
import java.time.Instant;
import java.util.Objects;

/**
 * The auth key a message arrived with, as the session layer and the RPC layer see it (no key
 * material).
 *
 * @param id        auth_key_id
 * @param type      permanent, temporary or media temporary
 * @param expiresAt end of a temporary key's life; {@code null} for a permanent key
 */
public record SessionKey(AuthKeyId id, AuthKeyType type, Instant expiresAt) {
    public SessionKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
    }

    public static SessionKey permanent(AuthKeyId id) {
        return new SessionKey(id, AuthKeyType.PERMANENT, null);
    }

    public boolean temporary() {
        return type.isTemporary();
    }
}
