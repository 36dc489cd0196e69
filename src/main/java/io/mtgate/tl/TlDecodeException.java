package io.mtgate.tl;

/**
 * Input that is not a valid TL value of the expected type, or that exceeds a decoding limit.
 * Thrown before anything of a declared size is allocated.
 */
public class TlDecodeException extends RuntimeException {
    public TlDecodeException(String message) {
        super(message, null, false, false);
    }
}
