package io.mtgate.tl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

/** Conveniences for whole values held in byte arrays (tests, handshake answers). */
public final class Tl {
    private Tl() {
    }

    /** The boxed serialization of {@code o}. */
    public static byte[] serialize(TlObject o) {
        ByteBuf[] slot = SCRATCH.get();
        ByteBuf buf = slot[0];
        // Taken out of the slot while in use, so a nested call (a serializer that serializes)
        // gets a fresh buffer instead of overwriting this one.
        slot[0] = null;
        if (buf == null) {
            buf = newScratch();
        }
        try {
            buf.clear();
            o.serialize(new TlWriter(buf));
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            if (buf.capacity() <= KEEP_SCRATCH) {
                slot[0] = buf;
            }
        }
    }

    /**
     * A scratch buffer per thread for {@link #serialize}: a fresh {@code Unpooled} buffer per call
     * was ~330 bytes of garbage and two {@code LongAdder} updates of the instrumented allocator per
     * object, on every message sent. Buffers grown past {@link #KEEP_SCRATCH} are left to the GC.
     */
    private static final ThreadLocal<ByteBuf[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuf[1]);
    private static final int KEEP_SCRATCH = 64 * 1024;

    private static ByteBuf newScratch() {
        // A plain heap buffer: not leak-tracked (it is never released, only reused or dropped).
        return new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, 256, Integer.MAX_VALUE);
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
