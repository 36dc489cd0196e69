package io.mtgate.transport;

import io.netty.handler.codec.DecoderException;

/**
 * A protocol violation found by the transport layer. The handler that raises it closes the
 * connection, reports {@link #reason()} to the {@link TransportListener} and does not propagate
 * it further down the pipeline.
 */
public abstract class TransportException extends DecoderException {
    private static final long serialVersionUID = 1L;

    protected TransportException(String message) {
        super(message);
    }

    public abstract CloseReason reason();

    /** Stack traces say nothing useful about bad client input and cost time under attack. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
