package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Base of the four framing codecs. Inbound: bytes to {@link InboundFrame}s, checking every
 * declared length against {@code maxFrameBytes} before waiting for (buffering) the body.
 * Outbound: {@link OutboundFrame}, {@link QuickAck} and {@link TransportError} to bytes; anything
 * else passes through untouched. A direct payload is not copied on the way out (the header and
 * trailer are combined with it in a {@link CompositeByteBuf}); a heap payload is copied once,
 * into the direct buffer the socket write needs anyway (see {@link #compose}).
 */
abstract class FramingCodec extends DuplexTransportDecoder {
    protected final int maxFrameBytes;
    protected final RandomGenerator random;

    FramingCodec(TransportSettings settings, RandomGenerator random, TransportListener listener,
                 TransportTimeouts timeouts) {
        super(listener, timeouts);
        this.maxFrameBytes = settings.maxFrameBytes();
        this.random = random;
    }

    /** The transport this codec implements. */
    abstract TransportKind kind();

    /**
     * Frames {@code payload}. Must not release it; retain it if the result references it.
     *
     * @throws IllegalArgumentException if the transport cannot carry a payload of this length
     */
    protected abstract ByteBuf encodeFrame(ByteBufAllocator alloc, ByteBuf payload);

    /**
     * Frames {@code payload} in its own buffer: the header goes into the bytes before its reader
     * index, the trailer after its writer index ({@link OutboundFrame#withRoom}); returns the same
     * buffer retained, or null to fall back to {@link #encodeFrame}.
     */
    protected ByteBuf frameInPlace(ByteBuf payload) {
        return null;
    }

    /** Moves the reader index back over {@code headerBytes} (the caller then writes the header there). */
    protected static int openHeader(ByteBuf payload, int headerBytes) {
        int at = payload.readerIndex() - headerBytes;
        payload.readerIndex(at);
        return at;
    }

    /** Encodes a quick-ACK token as this transport sends it (checklist 1.6). */
    protected abstract ByteBuf encodeQuickAck(ByteBufAllocator alloc, int token);

    protected final void checkDeclaredLength(long payloadLength) {
        if (payloadLength > maxFrameBytes) {
            throw new FrameTooLargeException(kind() + " frame of " + payloadLength + " bytes exceeds " + maxFrameBytes);
        }
    }

    /**
     * Header + payload (+ trailer) as one buffer. A direct payload is referenced (retained), not
     * copied. A heap payload (every encrypted packet: the envelope works on arrays) is copied once
     * into one direct buffer: the socket write needs direct memory anyway, and a composite with a
     * heap part would first be merged into a temporary heap array ({@code nioBuffer()}) and then
     * copied again — measured as the largest allocation site of the send path.
     */
    protected static ByteBuf compose(ByteBufAllocator alloc, ByteBuf header, ByteBuf payload, ByteBuf trailer) {
        if (!payload.isDirect() && alloc.isDirectBufferPooled()) {
            int length = header.readableBytes() + payload.readableBytes() + (trailer == null ? 0 : trailer.readableBytes());
            ByteBuf out = alloc.directBuffer(length, length);
            try {
                out.writeBytes(header);
                out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
                if (trailer != null) {
                    out.writeBytes(trailer);
                }
            } catch (RuntimeException e) {
                out.release();
                throw e;
            } finally {
                header.release();
                if (trailer != null) {
                    trailer.release();
                }
            }
            return out;
        }
        CompositeByteBuf c = alloc.compositeBuffer(3);
        c.addComponent(true, header);
        c.addComponent(true, payload.retainedSlice());
        if (trailer != null) {
            c.addComponent(true, trailer);
        }
        return c;
    }

    protected final void randomBytes(ByteBuf out, int n) {
        for (int i = 0; i < n; i++) {
            out.writeByte(random.nextInt(256));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ByteBuf encoded;
        boolean closeAfter = false;
        try {
            if (msg instanceof OutboundFrame frame) {
                encoded = frame.hasRoom() ? frameInPlace(frame.content()) : null;
                if (encoded == null) {
                    encoded = encodeFrame(ctx.alloc(), frame.content());
                }
            } else if (msg instanceof QuickAck ack) {
                encoded = encodeQuickAck(ctx.alloc(), ack.token());
            } else if (msg instanceof TransportError error) {
                ByteBuf payload = ctx.alloc().buffer(4).writeIntLE(error.code());
                try {
                    encoded = encodeFrame(ctx.alloc(), payload);
                } finally {
                    payload.release();
                }
                closeAfter = error.closeConnection();
            } else {
                ctx.write(msg, promise);
                return;
            }
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(e);
            return;
        }
        ReferenceCountUtil.release(msg);
        if (closeAfter) {
            ChannelPromise p = promise.unvoid();
            p.addListener(ChannelFutureListener.CLOSE);
            ctx.write(encoded, p);
        } else {
            ctx.write(encoded, promise);
        }
    }

    /** Adds the frame of {@code length} bytes at the reader index, retained, to {@code out}. */
    protected static void emit(ByteBuf in, int headerBytes, int length, int trailerBytes, boolean quickAck,
                               List<Object> out) {
        in.skipBytes(headerBytes);
        ByteBuf payload = in.readRetainedSlice(length);
        in.skipBytes(trailerBytes);
        out.add(new InboundFrame(payload, quickAck));
    }
}
