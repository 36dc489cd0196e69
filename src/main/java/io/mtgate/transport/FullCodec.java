package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.zip.CRC32;

/**
 * Full (checklist 1.5): {@code len}(4 LE, = 12 + payload, includes itself) | {@code seq}(4 LE) |
 * payload | {@code crc32}(4 LE, CRC-32/IEEE over len+seq+payload). The inbound seq must count
 * from 0 without gaps; the server's outbound seq counts from 0 too. {@code len} must be a multiple
 * of 4 and at least 12. Bit 31 of {@code len} is taken as a quick-ACK request (the CRC covers the
 * bytes as sent); a quick ACK goes out as 4 raw LE bytes, like MTProxy (unconfirmed in the spec).
 */
final class FullCodec extends FramingCodec {
    private static final int OVERHEAD = 12;

    private final CRC32 crc = new CRC32();
    private int inboundSeq;
    private int outboundSeq;

    FullCodec(TransportSettings settings, RandomGenerator random, TransportListener listener,
              TransportTimeouts timeouts) {
        super(settings, random, listener, timeouts);
    }

    @Override
    TransportKind kind() {
        return TransportKind.FULL;
    }

    @Override
    protected void decodeChecked(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        if (readable < 4) {
            return;
        }
        int r = in.readerIndex();
        int raw = in.getIntLE(r);
        int len = raw & ~IntermediateCodec.QUICK_ACK_BIT;
        if (len < OVERHEAD || (len & 3) != 0) {
            throw new InvalidFrameException("full len must be a multiple of 4 and >= 12: " + len);
        }
        checkDeclaredLength(len - OVERHEAD);
        if (readable < 8) {
            return;
        }
        int seq = in.getIntLE(r + 4);
        if (seq != inboundSeq) {
            throw new BadSequenceException("full seq " + seq + ", expected " + inboundSeq);
        }
        if (readable < len) {
            return;
        }
        int expected = in.getIntLE(r + len - 4);
        if (crc32(in, r, len - 4) != expected) {
            throw new BadCrcException("full frame CRC mismatch (seq " + seq + ")");
        }
        inboundSeq++;
        emit(in, 8, len - OVERHEAD, 4, raw < 0, out);
    }

    private int crc32(ByteBuf buf, int index, int length) {
        crc.reset();
        if (buf.nioBufferCount() == 1) {
            crc.update(buf.nioBuffer(index, length));
        } else {
            for (ByteBuffer b : buf.nioBuffers(index, length)) {
                crc.update(b);
            }
        }
        return (int) crc.getValue();
    }

    @Override
    protected ByteBuf encodeFrame(ByteBufAllocator alloc, ByteBuf payload) {
        int length = payload.readableBytes();
        if (length > Integer.MAX_VALUE - OVERHEAD) {
            throw new IllegalArgumentException("payload too large: " + length);
        }
        ByteBuf header = alloc.buffer(8).writeIntLE(length + OVERHEAD).writeIntLE(outboundSeq);
        crc.reset();
        crc.update(header.nioBuffer());
        int p = payload.readerIndex();
        for (ByteBuffer b : payload.nioBuffers(p, length)) {
            crc.update(b);
        }
        ByteBuf trailer = alloc.buffer(4).writeIntLE((int) crc.getValue());
        outboundSeq++;
        return compose(alloc, header, payload, trailer);
    }

    @Override
    protected ByteBuf frameInPlace(ByteBuf payload) {
        int length = payload.readableBytes();
        if (length > Integer.MAX_VALUE - OVERHEAD) {
            return null;
        }
        int at = openHeader(payload, 8);
        payload.setIntLE(at, length + OVERHEAD);
        payload.setIntLE(at + 4, outboundSeq);
        crc.reset();
        for (ByteBuffer b : payload.nioBuffers(at, 8 + length)) {
            crc.update(b);
        }
        payload.writeIntLE((int) crc.getValue());
        outboundSeq++;
        return payload.retain();
    }

    @Override
    protected ByteBuf encodeQuickAck(ByteBufAllocator alloc, int token) {
        return alloc.buffer(4).writeIntLE(token);
    }
}
