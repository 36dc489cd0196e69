package io.mtgate.transport;

/** First bytes of a recognised but unsupported transport (HTTP, fake-TLS). */
public final class UnsupportedTransportException extends TransportException {
    private static final long serialVersionUID = 1L;

    public UnsupportedTransportException(String message) {
        super(message);
    }

    @Override
    public CloseReason reason() {
        return CloseReason.UNSUPPORTED_TRANSPORT;
    }
}
