package io.mtgate.authkey;

/**
 * Thrown by {@code save} for a temporary key when the in-memory table already holds its maximum of
 * live temporary keys. The handshake should answer it like any other storage failure
 * (dh_gen_fail / -404); the client will retry later.
 */
public class TemporaryKeyCapacityException extends AuthKeyStoreException {
    public TemporaryKeyCapacityException(int capacity) {
        super("temporary auth key table is full (" + capacity + " live keys)");
    }
}
