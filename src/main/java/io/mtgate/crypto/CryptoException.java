package io.mtgate.crypto;

/**
 * A cryptographic check failed (bad padding, hash mismatch, value out of range, unreadable key).
 * Messages describe the failed check only and never contain key material or secret data.
 */
public final class CryptoException extends Exception {
    private static final long serialVersionUID = 1L;

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
