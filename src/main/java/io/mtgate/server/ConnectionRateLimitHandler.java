package io.mtgate.server;

import io.mtgate.transport.TransportDetected;
import io.mtgate.transport.TransportError;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * Answers transport error -429 to a connection whose address opened too many connections
 * recently. The error can only be framed once the client's transport is known, so the decision
 * made at connect time is acted on at {@link TransportDetected}; until then, and after, nothing
 * from a refused connection reaches the application.
 */
public final class ConnectionRateLimitHandler extends ChannelInboundHandlerAdapter {
    private final ConnectionRateLimiter limiter;
    private final GatewayEvents events;
    private boolean refused;

    public ConnectionRateLimitHandler(ConnectionRateLimiter limiter, GatewayEvents events) {
        this.limiter = limiter;
        this.events = events;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote
                && !limiter.tryAcquire(remote.getAddress())) {
            refused = true;
            events.connectionRefused("rate_limit");
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (refused && evt instanceof TransportDetected) {
            ctx.writeAndFlush(TransportError.closeAfter(TransportError.FLOOD));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
