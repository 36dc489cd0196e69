package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Abridged (checklist 1.2): {@code L = len/4} as one byte when {@code L < 0x7f}, else {@code 0x7f}
 * and 3-byte LE {@code L}; bit 7 of the first byte requests a quick ACK. The long form with
 * {@code L < 0x7f} ("overlong") and {@code L = 0} are rejected.
 */
final class AbridgedCodec extends FramingCodec {
    private static final int LONG_FORM = 0x7f;
    private static final int QUICK_ACK_BIT = 0x80;
    static final int MAX_ENCODABLE = 0xff_ffff * 4;

    AbridgedCodec(TransportSettings settings, RandomGenerator random, TransportListener listener,
                  TransportTimeouts timeouts) {
        super(settings, random, listener, timeouts);
    }

    @Override
    TransportKind kind() {
        return TransportKind.ABRIDGED;
    }

    @Override
    protected void decodeChecked(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        if (readable < 1) {
            return;
        }
        int r = in.readerIndex();
        int first = in.getUnsignedByte(r);
        boolean quickAck = (first & QUICK_ACK_BIT) != 0;
        int words = first & ~QUICK_ACK_BIT;
        int header = 1;
        if (words == LONG_FORM) {
            if (readable < 4) {
                return;
            }
            words = in.getUnsignedMediumLE(r + 1);
            if (words < LONG_FORM) {
                throw new InvalidFrameException("overlong abridged length form for " + words + " words");
            }
            header = 4;
        } else if (words == 0) {
            throw new InvalidFrameException("empty abridged frame");
        }
        long length = words * 4L;
        checkDeclaredLength(length);
        if (readable - header < length) {
            return;
        }
        emit(in, header, (int) length, 0, quickAck, out);
    }

    @Override
    protected ByteBuf encodeFrame(ByteBufAllocator alloc, ByteBuf payload) {
        int length = payload.readableBytes();
        if ((length & 3) != 0 || length > MAX_ENCODABLE) {
            throw new IllegalArgumentException("abridged payload length must be a multiple of 4 below 64 MiB: " + length);
        }
        int words = length >>> 2;
        ByteBuf header;
        if (words < LONG_FORM) {
            header = alloc.buffer(1).writeByte(words);
        } else {
            header = alloc.buffer(4).writeByte(LONG_FORM).writeMediumLE(words);
        }
        return compose(alloc, header, payload, null);
    }

    @Override
    protected ByteBuf frameInPlace(ByteBuf payload) {
        int length = payload.readableBytes();
        if ((length & 3) != 0 || length > MAX_ENCODABLE) {
            return null; // encodeFrame refuses it with the reason
        }
        int words = length >>> 2;
        if (words < LONG_FORM) {
            payload.setByte(openHeader(payload, 1), words);
        } else {
            int at = openHeader(payload, 4);
            payload.setByte(at, LONG_FORM);
            payload.setMediumLE(at + 1, words);
        }
        return payload.retain();
    }

    @Override
    protected ByteBuf encodeQuickAck(ByteBufAllocator alloc, int token) {
        return alloc.buffer(4).writeInt(token); // big-endian: the first byte has its MSB set
    }
}
