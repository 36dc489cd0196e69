package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.nio.channels.ClosedChannelException;

/**
 * Turns the WebSocket messages of an upgraded connection into one byte stream and back (checklist
 * 1.10: message boundaries mean nothing; an MTProto frame may span messages and a message may hold
 * several frames).
 * <ul>
 *   <li>Inbound: the payload of every binary frame and of its continuations goes on as a
 *       {@link ByteBuf}, unchanged and uncopied. A ping is answered with a pong (skipped while the
 *       channel is not writable, so a client that does not read cannot grow our send buffer); a
 *       pong is dropped. A close frame is answered with one and the connection closed. A text frame
 *       is a protocol violation: closed, as are frames Netty's decoder finds corrupt or too large;
 *       both are reported to the {@link TransportListener}.</li>
 *   <li>Outbound: every {@link ByteBuf} (frames, quick ACKs, transport errors, already encrypted)
 *       leaves as binary messages of at most {@link WebSocketTransport#MAX_OUTBOUND_MESSAGE} bytes.
 *       Closing the channel first sends a close frame, code 1000, whose reason is the transport
 *       error written before it (decimal, e.g. {@code -404}), noted by {@link WebSocketErrorTap}.</li>
 * </ul>
 */
final class WebSocketFrameAdapter extends ChannelDuplexHandler {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(WebSocketFrameAdapter.class);

    private final TransportListener listener;
    private boolean closeSent;
    private boolean closeScheduled;
    private boolean closing;
    private Integer lastTransportError;

    WebSocketFrameAdapter(TransportListener listener) {
        this.listener = listener;
    }

    /** The transport error that will be the reason of the close frame. */
    void transportErrorWritten(int code) {
        lastTransportError = code;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            // a continuation can only follow a binary frame: a text frame ends the connection first
            ByteBuf content = ((WebSocketFrame) msg).content();
            if (content.isReadable()) {
                ctx.fireChannelRead(content);
            } else {
                content.release();
            }
        } else if (msg instanceof PingWebSocketFrame ping) {
            if (ctx.channel().isWritable()) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else {
                ping.release();
            }
        } else if (msg instanceof CloseWebSocketFrame close) {
            log.debug("{} WebSocket closed by the client ({})", ctx.channel(), close.statusCode());
            close.release();
            closing = true;
            ctx.channel().close();
        } else if (msg instanceof PongWebSocketFrame pong) {
            pong.release();
        } else if (msg instanceof TextWebSocketFrame text) {
            text.release();
            violation(ctx, CloseReason.INVALID_FRAME, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "text frame");
        } else {
            // the upgrade request's empty last content arrives here after the switch
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException e) {
            boolean tooBig = e.closeStatus() != null
                    && e.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
            violation(ctx, tooBig ? CloseReason.FRAME_TOO_LARGE : CloseReason.INVALID_FRAME,
                    e.closeStatus() == null ? WebSocketCloseStatus.PROTOCOL_ERROR : e.closeStatus(), e.getMessage());
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void violation(ChannelHandlerContext ctx, CloseReason reason, WebSocketCloseStatus status, String why) {
        if (closing) {
            return;
        }
        closing = true;
        log.debug("{} closing: {} ({})", ctx.channel(), reason, why);
        listener.connectionRejected(ctx.channel(), reason);
        sendCloseThenClose(ctx, new CloseWebSocketFrame(status.code(), status.reasonText()), ctx.newPromise());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (closeSent && !(msg instanceof CloseWebSocketFrame)) {
            // nothing may follow a close frame (RFC 6455 5.5.1)
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new ClosedChannelException());
            return;
        }
        if (msg instanceof ByteBuf bytes) {
            writeBinary(ctx, bytes, promise);
            return;
        }
        if (msg instanceof CloseWebSocketFrame) {
            closeSent = true;
        }
        ctx.write(msg, promise);
    }

    private static void writeBinary(ChannelHandlerContext ctx, ByteBuf bytes, ChannelPromise promise) {
        int size = bytes.readableBytes();
        if (size <= WebSocketTransport.MAX_OUTBOUND_MESSAGE) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
            return;
        }
        PromiseCombiner parts = new PromiseCombiner(ctx.executor());
        try {
            while (bytes.readableBytes() > 0) {
                int n = Math.min(bytes.readableBytes(), WebSocketTransport.MAX_OUTBOUND_MESSAGE);
                parts.add(ctx.write(new BinaryWebSocketFrame(bytes.readRetainedSlice(n))));
            }
        } finally {
            bytes.release();
        }
        parts.finish(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (closeScheduled) {
            ctx.executor().execute(() -> ctx.close(promise)); // after the scheduled flush
            return;
        }
        if (closeSent || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        String reason = lastTransportError == null ? "" : Integer.toString(lastTransportError);
        sendCloseThenClose(ctx, new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), reason), promise);
    }

    /**
     * The close frame, then the close, in a later task of the event loop: a close requested by a
     * write's listener runs inside the channel's flush, where a nested flush does nothing and
     * closing at once would drop the frame. Not waiting for the frame to be written, though: a
     * client that does not read must not keep its connection open, so if the socket has no room
     * for it the frame is dropped.
     */
    private void sendCloseThenClose(ChannelHandlerContext ctx, CloseWebSocketFrame frame, ChannelPromise promise) {
        closeSent = true;
        closeScheduled = true;
        ctx.write(frame);
        ctx.executor().execute(() -> {
            ctx.flush();
            ctx.close(promise);
        });
    }
}
