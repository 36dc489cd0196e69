package io.mtgate.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections that stall (checklist 1.12, slow-loris protection), using the channel's event
 * loop scheduler (so {@code EmbeddedChannel.advanceTimeBy} drives it in tests).
 * <ul>
 *   <li>handshake timer: armed when the channel becomes active, cancelled by the first complete
 *       frame;</li>
 *   <li>stall timer: armed when bytes of an unfinished frame stay buffered after a decode pass,
 *       cancelled when a decode pass completes a frame or leaves nothing buffered. Dribbling bytes
 *       into the same frame does not re-arm it.</li>
 * </ul>
 * The framing decoders report progress through {@link #progress}. One instance per channel.
 */
final class TransportTimeouts extends ChannelInboundHandlerAdapter {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(TransportTimeouts.class);

    private final long handshakeNanos;
    private final long stallNanos;
    private final TransportListener listener;
    private ChannelHandlerContext ctx;
    private boolean started;
    private boolean stopped;
    private boolean firstFrameSeen;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> stallTimer;

    TransportTimeouts(TransportSettings settings, TransportListener listener) {
        this.handshakeNanos = settings.handshakeTimeout().toNanos();
        this.stallNanos = settings.frameStallTimeout().toNanos();
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void start() {
        if (started || stopped) {
            return;
        }
        started = true;
        handshakeTimer = ctx.executor().schedule(() -> expire(CloseReason.HANDSHAKE_TIMEOUT),
                handshakeNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        stopped = true;
        handshakeTimer = cancel(handshakeTimer);
        stallTimer = cancel(stallTimer);
    }

    /**
     * Called by a decoder after each decode pass on the event loop.
     *
     * @param frameCompleted  the pass produced at least one frame
     * @param partialBuffered bytes of an unfinished frame remain buffered
     */
    void progress(boolean frameCompleted, boolean partialBuffered) {
        if (stopped) {
            return;
        }
        if (frameCompleted) {
            if (!firstFrameSeen) {
                firstFrameSeen = true;
                handshakeTimer = cancel(handshakeTimer);
            }
            stallTimer = cancel(stallTimer);
        }
        if (!partialBuffered) {
            stallTimer = cancel(stallTimer);
        } else if (stallTimer == null) {
            stallTimer = ctx.executor().schedule(() -> expire(CloseReason.FRAME_STALL_TIMEOUT),
                    stallNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void expire(CloseReason reason) {
        if (stopped) {
            return;
        }
        stop();
        log.debug("{} closing: {}", ctx.channel(), reason);
        listener.connectionRejected(ctx.channel(), reason);
        // From the tail, not from here at the head: a WebSocket connection says goodbye with a close frame
        ctx.channel().close();
    }

    private static ScheduledFuture<?> cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
        return null;
    }
}
