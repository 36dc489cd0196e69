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
    /** Bytes before the payload a {@link #withRoom} buffer keeps for the largest transport header (full: 8). */
    public static final int HEADROOM = 8;
    /** Bytes after the payload kept for the largest trailer (full: the CRC32; padded: 0..3 random bytes). */
    public static final int TAILROOM = 4;

    private final boolean room;

    public OutboundFrame(ByteBuf payload) {
        this(payload, false);
    }

    private OutboundFrame(ByteBuf payload, boolean room) {
        super(payload);
        this.room = room;
    }

    /**
     * A payload whose buffer belongs to this frame alone and keeps {@link #HEADROOM} writable bytes
     * before its reader index and {@link #TAILROOM} after its writer index: the framing codec
     * writes its header and trailer there and sends the same buffer, without a copy.
     */
    public static OutboundFrame withRoom(ByteBuf payload) {
        if (payload.readerIndex() < HEADROOM || payload.writableBytes() < TAILROOM) {
            throw new IllegalArgumentException("payload without the room around it: " + payload);
        }
        return new OutboundFrame(payload, true);
    }

    /** Whether the codec may frame the payload in its own buffer (see {@link #withRoom}). */
    public boolean hasRoom() {
        return room;
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
