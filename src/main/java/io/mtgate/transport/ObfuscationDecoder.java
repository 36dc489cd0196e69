package io.mtgate.transport;

import io.mtgate.crypto.AesCtr;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Inbound half of obfuscated2: decrypts every received byte with the connection's continuous
 * AES-256-CTR stream. Each {@link ByteBuf} is replaced by a new buffer holding the plaintext
 * (the input is released); other messages pass through.
 */
final class ObfuscationDecoder extends ChannelInboundHandlerAdapter {
    private final AesCtr cipher;

    ObfuscationDecoder(AesCtr cipher) {
        this.cipher = cipher;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf in) {
            ctx.fireChannelRead(ObfuscationEncoder.transform(ctx.alloc(), cipher, in));
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
