package io.mtgate.transport;

import io.mtgate.crypto.AesCtr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.ByteBuffer;

/**
 * Outbound half of obfuscated2: encrypts every written byte (frames, quick ACKs, transport errors)
 * with the connection's continuous AES-256-CTR stream. Each {@link ByteBuf} is replaced by a new
 * buffer holding the ciphertext (the input is released); other messages pass through.
 */
final class ObfuscationEncoder extends ChannelOutboundHandlerAdapter {
    private final AesCtr cipher;

    ObfuscationEncoder(AesCtr cipher) {
        this.cipher = cipher;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf in) {
            ByteBuf out;
            try {
                out = transform(ctx.alloc(), cipher, in);
            } catch (RuntimeException e) {
                promise.tryFailure(e);
                return;
            }
            ctx.write(out, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** Runs all readable bytes of {@code in} through {@code cipher} into a new buffer; always releases {@code in}. */
    static ByteBuf transform(ByteBufAllocator alloc, AesCtr cipher, ByteBuf in) {
        try {
            int n = in.readableBytes();
            ByteBuf out = alloc.buffer(n);
            try {
                ByteBuffer dst = out.nioBuffer(0, n);
                if (in.nioBufferCount() == 1) {
                    cipher.update(in.nioBuffer(), dst);
                } else {
                    for (ByteBuffer src : in.nioBuffers()) {
                        cipher.update(src, dst);
                    }
                }
                out.writerIndex(n);
                return out;
            } catch (RuntimeException e) {
                out.release();
                throw e;
            }
        } finally {
            in.release();
        }
    }
}
