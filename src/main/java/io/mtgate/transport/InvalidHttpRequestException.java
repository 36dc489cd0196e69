package io.mtgate.transport;

/** A request the HTTP transport refuses with {@link #status()}, after which it closes the connection. */
public final class InvalidHttpRequestException extends TransportException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public InvalidHttpRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** 400, 411, 413, 414, 431, 501 or 505. */
    public int status() {
        return status;
    }

    @Override
    public CloseReason reason() {
        return CloseReason.INVALID_HTTP_REQUEST;
    }
}
