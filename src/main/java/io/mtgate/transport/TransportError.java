package io.mtgate.transport;

/**
 * A transport error (checklist 1.7): framed by the active transport as a normal 4-byte payload
 * holding the signed LE code (full transport: a proper full frame with seq and CRC), and sent
 * through the obfuscation stream like every other byte.
 *
 * @param code            negative, e.g. -404, -429, -444, -403
 * @param closeConnection close the channel once the error has been written and flushed
 */
public record TransportError(int code, boolean closeConnection) {
    public static final int AUTH_KEY_NOT_FOUND = -404;
    public static final int FLOOD = -429;
    public static final int INVALID_DC = -444;
    public static final int FORBIDDEN = -403;

    public TransportError {
        if (code >= 0) {
            throw new IllegalArgumentException("transport error codes are negative: " + code);
        }
    }

    /** An error that leaves the connection open. */
    public TransportError(int code) {
        this(code, false);
    }

    /** An error after which the connection is closed (the usual practice for -404/-429/-444). */
    public static TransportError closeAfter(int code) {
        return new TransportError(code, true);
    }
}
