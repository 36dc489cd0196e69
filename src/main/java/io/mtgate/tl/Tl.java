package io.mtgate.tl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Conveniences for whole values held in byte arrays (tests, handshake answers). */
public final class Tl {
    private Tl() {
    }

    /** The boxed serialization of {@code o}. */
    public static byte[] serialize(TlObject o) {
        ByteBuf buf = Unpooled.buffer();
        o.serialize(new TlWriter(buf));
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    /** Decodes one boxed value from the start of {@code data}; trailing bytes are ignored. */
    public static TlObject deserialize(byte[] data, TlRegistry registry, TlLimits limits) {
        return new TlReader(Unpooled.wrappedBuffer(data), limits, registry).readObject(registry);
    }
}
