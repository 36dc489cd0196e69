package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Padded intermediate (checklist 1.4): 4-byte LE {@code tlen} = payload + random padding; bit 31
 * requests a quick ACK. Inbound, the whole {@code tlen} bytes are delivered (the true payload
 * length is not transmitted; padding is not limited to 15 bytes because Android pads plain
 * packets with up to 256). Outbound padding is 0..3 random bytes, because Telethon strips only
 * {@code len % 4}. Quick ACK goes out in the documented framed form {@code ffffffff} + token LE +
 * 0..8 random bytes.
 */
final class PaddedIntermediateCodec extends FramingCodec {
    PaddedIntermediateCodec(TransportSettings settings, RandomGenerator random, TransportListener listener,
                            TransportTimeouts timeouts) {
        super(settings, random, listener, timeouts);
    }

    @Override
    TransportKind kind() {
        return TransportKind.PADDED_INTERMEDIATE;
    }

    @Override
    protected void decodeChecked(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int raw = in.getIntLE(in.readerIndex());
        int length = raw & ~IntermediateCodec.QUICK_ACK_BIT;
        checkDeclaredLength(length);
        if (length == 0) {
            throw new InvalidFrameException("empty padded intermediate frame");
        }
        if (in.readableBytes() - 4 < length) {
            return;
        }
        emit(in, 4, length, 0, raw < 0, out);
    }

    @Override
    protected ByteBuf encodeFrame(ByteBufAllocator alloc, ByteBuf payload) {
        int length = payload.readableBytes();
        int padding = random.nextInt(4);
        ByteBuf header = alloc.buffer(4).writeIntLE(length + padding);
        ByteBuf trailer = null;
        if (padding > 0) {
            trailer = alloc.buffer(padding);
            randomBytes(trailer, padding);
        }
        return compose(alloc, header, payload, trailer);
    }

    @Override
    protected ByteBuf frameInPlace(ByteBuf payload) {
        int length = payload.readableBytes();
        int padding = random.nextInt(4);
        payload.setIntLE(openHeader(payload, 4), length + padding);
        randomBytes(payload, padding);
        return payload.retain();
    }

    @Override
    protected ByteBuf encodeQuickAck(ByteBufAllocator alloc, int token) {
        int padding = random.nextInt(9);
        ByteBuf out = alloc.buffer(12 + padding);
        out.writeIntLE(8 + padding).writeIntLE(-1).writeIntLE(token);
        randomBytes(out, padding);
        return out;
    }
}
