package io.mtgate.rpc;

import io.mtgate.crypto.AuthKeyId;
import java.util.Optional;

/**
 * The {@code auths} table (Teamgram's layout). Every method may block (JDBC): call it only from the
 * blocking executor, never from an event loop. Failures surface as unchecked exceptions.
 */
public interface AuthsRepository {
    /** The row of this key, unless it is absent or marked deleted. */
    Optional<AuthRecord> find(AuthKeyId authKeyId);

    /** Inserts or replaces the row of {@code record.authKeyId()} (a deleted row comes back to life). */
    void upsert(AuthRecord record);

    /** Sets the layer of an existing row; false when there is none. */
    boolean updateLayer(AuthKeyId authKeyId, int layer, long dateActive);
}
