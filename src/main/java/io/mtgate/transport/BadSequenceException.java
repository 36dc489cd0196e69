package io.mtgate.transport;

/** A full-transport frame whose seq is not the expected next inbound value. */
public final class BadSequenceException extends TransportException {
    private static final long serialVersionUID = 1L;

    public BadSequenceException(String message) {
        super(message);
    }

    @Override
    public CloseReason reason() {
        return CloseReason.BAD_SEQUENCE;
    }
}
