package io.mtgate.authkey;

/** The key store could not do what was asked (database down, constraint broken, corrupt row...). */
public class AuthKeyStoreException extends RuntimeException {
    public AuthKeyStoreException(String message) {
        super(message);
    }

    public AuthKeyStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
