package io.mtgate.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Sits between the application and the framing codec of a WebSocket connection and tells
 * {@link WebSocketFrameAdapter} which transport error was written: by the time the adapter sees
 * it, it is encrypted bytes, but the close frame that follows must name its code (checklist 1.7,
 * 1.10). Everything passes through unchanged.
 */
final class WebSocketErrorTap extends ChannelOutboundHandlerAdapter {
    private final WebSocketFrameAdapter frames;

    WebSocketErrorTap(WebSocketFrameAdapter frames) {
        this.frames = frames;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof TransportError error) {
            frames.transportErrorWritten(error.code());
        }
        ctx.write(msg, promise);
    }
}
