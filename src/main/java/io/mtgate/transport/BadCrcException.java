package io.mtgate.transport;

/** A full-transport frame whose CRC32 does not match. */
public final class BadCrcException extends TransportException {
    private static final long serialVersionUID = 1L;

    public BadCrcException(String message) {
        super(message);
    }

    @Override
    public CloseReason reason() {
        return CloseReason.BAD_CRC;
    }
}
