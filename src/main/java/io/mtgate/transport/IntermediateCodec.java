package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Intermediate (checklist 1.3): 4-byte LE length + payload; bit 31 of the length requests a quick
 * ACK. Inbound lengths must be non-zero multiples of 4.
 */
final class IntermediateCodec extends FramingCodec {
    static final int QUICK_ACK_BIT = 0x8000_0000;

    IntermediateCodec(TransportSettings settings, RandomGenerator random, TransportListener listener,
                      TransportTimeouts timeouts) {
        super(settings, random, listener, timeouts);
    }

    @Override
    TransportKind kind() {
        return TransportKind.INTERMEDIATE;
    }

    @Override
    protected void decodeChecked(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int raw = in.getIntLE(in.readerIndex());
        int length = raw & ~QUICK_ACK_BIT;
        checkDeclaredLength(length);
        if (length == 0 || (length & 3) != 0) {
            throw new InvalidFrameException("intermediate length must be a non-zero multiple of 4: " + length);
        }
        if (in.readableBytes() - 4 < length) {
            return;
        }
        emit(in, 4, length, 0, raw < 0, out);
    }

    @Override
    protected ByteBuf encodeFrame(ByteBufAllocator alloc, ByteBuf payload) {
        int length = payload.readableBytes();
        if ((length & 3) != 0) {
            throw new IllegalArgumentException("intermediate payload length must be a multiple of 4: " + length);
        }
        if (!payload.isDirect() && alloc.isDirectBufferPooled()) {
            // An encrypted packet (heap array): length and payload into one direct buffer, without
            // the separate 4-byte header buffer compose() would allocate and release.
            ByteBuf out = alloc.directBuffer(4 + length, 4 + length);
            return out.writeIntLE(length).writeBytes(payload, payload.readerIndex(), length);
        }
        return compose(alloc, alloc.buffer(4).writeIntLE(length), payload, null);
    }

    @Override
    protected ByteBuf frameInPlace(ByteBuf payload) {
        int length = payload.readableBytes();
        if ((length & 3) != 0) {
            return null; // encodeFrame refuses it with the reason
        }
        payload.setIntLE(openHeader(payload, 4), length);
        return payload.retain();
    }

    @Override
    protected ByteBuf encodeQuickAck(ByteBufAllocator alloc, int token) {
        return alloc.buffer(4).writeIntLE(token);
    }
}
