package io.mtgate.transport;

/** A frame header that no valid client sends (zero or misaligned length, overlong abridged form, full len below 12). */
public final class InvalidFrameException extends TransportException {
    private static final long serialVersionUID = 1L;

    public InvalidFrameException(String message) {
        super(message);
    }

    @Override
    public CloseReason reason() {
        return CloseReason.INVALID_FRAME;
    }
}
