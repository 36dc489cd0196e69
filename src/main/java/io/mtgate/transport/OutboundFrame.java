package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One MTProto payload to send; the framing codec of the connection adds the transport envelope
 * (and obfuscation, if active). Write it with {@code ctx.writeAndFlush}; ownership passes to the
 * pipeline, which releases it. Abridged and intermediate need a length that is a multiple of 4,
 * otherwise the write fails with {@link IllegalArgumentException}.
 */
public final class OutboundFrame extends DefaultByteBufHolder {
    public OutboundFrame(ByteBuf payload) {
        super(payload);
    }

    @Override
    public OutboundFrame replace(ByteBuf content) {
        return new OutboundFrame(content);
    }

    @Override
    public OutboundFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public OutboundFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public OutboundFrame touch() {
        super.touch();
        return this;
    }

    @Override
    public OutboundFrame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "OutboundFrame(" + content().readableBytes() + " bytes)";
    }
}
