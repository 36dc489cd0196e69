package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.List;

/**
 * Common part of the detector and the framing decoders: a {@link TransportException} thrown by
 * {@link #decodeChecked} marks the decoder failed (every later byte is discarded), is reported to
 * the {@link TransportListener} and closes the connection; it is not propagated further. Other
 * exceptions travel on down the pipeline as usual. Reports decode progress to the timeouts.
 */
abstract class AbstractTransportDecoder extends ByteToMessageDecoder {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(AbstractTransportDecoder.class);

    protected final TransportListener listener;
    protected final TransportTimeouts timeouts;
    private boolean failed;

    AbstractTransportDecoder(TransportListener listener, TransportTimeouts timeouts) {
        this.listener = listener;
        this.timeouts = timeouts;
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int before = out.size();
        try {
            decodeChecked(ctx, in, out);
        } catch (TransportException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
        if (timeouts != null && !ctx.isRemoved()) {
            timeouts.progress(out.size() > before, in.isReadable());
        }
    }

    /** Like {@link #decode}: consume what can be consumed, add decoded messages to {@code out}. */
    protected abstract void decodeChecked(ChannelHandlerContext ctx, ByteBuf in, List<Object> out);

    /** Bytes held back waiting for the rest of a frame (for tests and diagnostics). */
    int bufferedBytes() {
        return internalBuffer().readableBytes();
    }

    /** Discards everything from now on (the connection is about to close). */
    protected final void discardInput(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause instanceof TransportException e) {
            log.debug("{} closing: {} ({})", ctx.channel(), e.reason(), e.getMessage());
            listener.connectionRejected(ctx.channel(), e.reason());
            ctx.close();
        } else {
            super.exceptionCaught(ctx, cause);
        }
    }
}
