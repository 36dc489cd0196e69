package io.mtgate.transport;

/** A declared frame length exceeds the configured maximum; raised before anything is buffered. */
public final class FrameTooLargeException extends TransportException {
    private static final long serialVersionUID = 1L;

    public FrameTooLargeException(String message) {
        super(message);
    }

    @Override
    public CloseReason reason() {
        return CloseReason.FRAME_TOO_LARGE;
    }
}
