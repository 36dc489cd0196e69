package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One MTProto payload (a plain or an encrypted message) with the transport framing removed.
 * For padded intermediate the content is the whole {@code tlen} payload including the random
 * padding: the consumer parses the MTProto message by its own lengths and ignores trailing bytes
 * (checklist 1.4). The receiver owns the frame and must release it.
 */
public final class InboundFrame extends DefaultByteBufHolder {
    private final boolean quickAckRequested;

    public InboundFrame(ByteBuf payload, boolean quickAckRequested) {
        super(payload);
        this.quickAckRequested = quickAckRequested;
    }

    /** Whether the client set the quick-ACK bit in the length field (checklist 1.6). */
    public boolean quickAckRequested() {
        return quickAckRequested;
    }

    @Override
    public InboundFrame replace(ByteBuf content) {
        return new InboundFrame(content, quickAckRequested);
    }

    @Override
    public InboundFrame copy() {
        return (InboundFrame) super.copy();
    }

    @Override
    public InboundFrame duplicate() {
        return (InboundFrame) super.duplicate();
    }

    @Override
    public InboundFrame retainedDuplicate() {
        return (InboundFrame) super.retainedDuplicate();
    }

    @Override
    public InboundFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public InboundFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public InboundFrame touch() {
        super.touch();
        return this;
    }

    @Override
    public InboundFrame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "InboundFrame(" + content().readableBytes() + " bytes" + (quickAckRequested ? ", quickAck" : "") + ')';
    }
}
