package io.mtgate.tl;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads TL values from a buffer (little-endian), advancing its reader index. The buffer stays
 * owned by the caller. Every declared length is checked against what remains and against the
 * {@link TlLimits} before anything is allocated; nesting depth is bounded.
 */
public final class TlReader {
    public static final int VECTOR_ID = 0x1cb5c415;
    public static final int BOOL_TRUE_ID = 0x997275b5;
    public static final int BOOL_FALSE_ID = 0xbc799737;

    /** Reads one element of a vector. */
    @FunctionalInterface
    public interface ElementReader<T> {
        T read(TlReader r);
    }

    private final ByteBuf buf;
    private final TlLimits limits;
    private final TlRegistry registry;
    private int depth;

    /**
     * @param registry decoders used for values whose type is open ({@code Object}, {@code !X});
     *                 may be null when the input has none
     */
    public TlReader(ByteBuf buf, TlLimits limits, TlRegistry registry) {
        this.buf = buf;
        this.limits = limits;
        this.registry = registry;
    }

    public int remaining() {
        return buf.readableBytes();
    }

    public int position() {
        return buf.readerIndex();
    }

    public TlLimits limits() {
        return limits;
    }

    private void need(int n) {
        if (buf.readableBytes() < n) {
            throw new TlDecodeException("truncated input: need " + n + " bytes, have " + buf.readableBytes());
        }
    }

    public int readInt() {
        need(4);
        return buf.readIntLE();
    }

    public long readLong() {
        need(8);
        return buf.readLongLE();
    }

    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    public byte[] readInt128() {
        return readRaw(16);
    }

    public byte[] readInt256() {
        return readRaw(32);
    }

    /** Reads {@code n} raw bytes (no TL length prefix). */
    public byte[] readRaw(int n) {
        need(n);
        byte[] out = new byte[n];
        buf.readBytes(out);
        return out;
    }

    /** A TL {@code bytes} or {@code string} value as raw bytes. */
    public byte[] readBytes() {
        need(1);
        int first = buf.readUnsignedByte();
        int len;
        int header;
        if (first < 254) {
            len = first;
            header = 1;
        } else if (first == 254) {
            need(3);
            len = buf.readUnsignedMediumLE();
            header = 4;
            if (len < 254) {
                // The long form is defined only for 254 bytes and more; accepting both would give
                // one value two encodings.
                throw new TlDecodeException("non-canonical bytes length " + len + " in long form");
            }
        } else {
            throw new TlDecodeException("invalid bytes length marker 0xff");
        }
        if (len > limits.maxBytesLength()) {
            String why = "bytes length " + len + " exceeds limit " + limits.maxBytesLength();
            // only a string that is really there is "too long"; a length beyond the input is malformed
            throw len <= buf.readableBytes() ? new TlLimitException(why) : new TlDecodeException(why);
        }
        int padding = (-(header + len)) & 3;
        need(len + padding);
        byte[] out = new byte[len];
        buf.readBytes(out);
        buf.skipBytes(padding);
        return out;
    }

    /** A TL {@code string} decoded as UTF-8 (malformed sequences become U+FFFD, as clients do). */
    public String readString() {
        return new String(readBytes(), StandardCharsets.UTF_8);
    }

    public boolean readBool() {
        int id = readInt();
        if (id == BOOL_TRUE_ID) {
            return true;
        }
        if (id == BOOL_FALSE_ID) {
            return false;
        }
        throw new TlConstructorException("expected Bool, got constructor " + Integer.toHexString(id));
    }

    /** Reads a vector; {@code boxed} vectors start with the {@code vector} constructor id. */
    public <T> List<T> readVector(boolean boxed, ElementReader<T> element) {
        if (boxed) {
            int id = readInt();
            if (id != VECTOR_ID) {
                throw new TlConstructorException("expected vector, got constructor " + Integer.toHexString(id));
            }
        }
        int count = readInt();
        // Every TL element takes at least 4 bytes, so a count beyond remaining/4 is a lie.
        if (count < 0 || count > buf.readableBytes() / 4) {
            throw new TlDecodeException("vector length " + count + " out of bounds");
        }
        if (count > limits.maxVectorLength()) {
            throw new TlLimitException("vector length " + count + " exceeds limit " + limits.maxVectorLength());
        }
        enter();
        try {
            List<T> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(element.read(this));
            }
            return Collections.unmodifiableList(out);
        } finally {
            depth--;
        }
    }

    /** Reads a boxed value of an open type using the reader's registry. */
    public TlObject readObject() {
        return readObject(registry);
    }

    /** Reads a boxed value with the given registry. */
    public TlObject readObject(TlRegistry reg) {
        int id = readInt();
        TlDecoder decoder = reg == null ? null : reg.decoder(id);
        if (decoder == null) {
            throw new TlConstructorException("unknown constructor " + Integer.toHexString(id));
        }
        enter();
        try {
            return decoder.decode(this);
        } finally {
            depth--;
        }
    }

    /** Reads a boxed value that must be of the given Java type (the TL boxed type's interface). */
    public <T> T readObject(TlRegistry reg, Class<T> type) {
        TlObject o = readObject(reg);
        if (!type.isInstance(o)) {
            throw new TlConstructorException("constructor " + Integer.toHexString(o.constructorId())
                    + " is not a " + type.getSimpleName());
        }
        return type.cast(o);
    }

    private void enter() {
        if (++depth > limits.maxDepth()) {
            depth--;
            throw new TlDecodeException("nesting deeper than " + limits.maxDepth());
        }
    }
}
