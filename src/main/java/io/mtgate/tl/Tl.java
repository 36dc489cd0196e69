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

    /** Reads a TL {@code bytes} value starting at {@code offset} of {@code data}. */
    public static byte[] deserializeBytesField(byte[] data, int offset, TlLimits limits) {
        return readerAt(data, offset, limits).readBytes();
    }

    /** Reads a boxed {@code Vector<long>} starting at {@code offset} of {@code data}. */
    public static java.util.List<Long> deserializeLongVectorField(byte[] data, int offset, TlLimits limits) {
        return readerAt(data, offset, limits).readVector(true, TlReader::readLong);
    }

    private static TlReader readerAt(byte[] data, int offset, TlLimits limits) {
        if (offset < 0 || offset > data.length) {
            throw new TlDecodeException("offset outside the value");
        }
        return new TlReader(Unpooled.wrappedBuffer(data, offset, data.length - offset), limits, TlRegistry.builder().build());
    }
}
