package io.mtgate.tl;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes TL values (little-endian) to a buffer owned by the caller. */
public final class TlWriter {
    /** Writes one element of a vector. */
    @FunctionalInterface
    public interface ElementWriter<T> {
        void write(TlWriter w, T value);
    }

    private final ByteBuf buf;

    public TlWriter(ByteBuf buf) {
        this.buf = buf;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public void writeInt(int v) {
        buf.writeIntLE(v);
    }

    public void writeLong(long v) {
        buf.writeLongLE(v);
    }

    public void writeDouble(double v) {
        buf.writeLongLE(Double.doubleToRawLongBits(v));
    }

    public void writeInt128(byte[] v) {
        writeFixed(v, 16);
    }

    public void writeInt256(byte[] v) {
        writeFixed(v, 32);
    }

    private void writeFixed(byte[] v, int len) {
        if (v.length != len) {
            throw new IllegalArgumentException("expected " + len + " bytes, got " + v.length);
        }
        buf.writeBytes(v);
    }

    public void writeRaw(byte[] v) {
        buf.writeBytes(v);
    }

    public void writeBytes(byte[] v) {
        writeBytes(v, 0, v.length);
    }

    public void writeBytes(byte[] v, int off, int len) {
        int header;
        if (len < 254) {
            buf.writeByte(len);
            header = 1;
        } else if (len <= 0xffffff) {
            buf.writeByte(254);
            buf.writeMediumLE(len);
            header = 4;
        } else {
            throw new IllegalArgumentException("TL bytes longer than 16 MiB");
        }
        buf.writeBytes(v, off, len);
        buf.writeZero((-(header + len)) & 3);
    }

    public void writeString(String s) {
        writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public void writeBool(boolean v) {
        buf.writeIntLE(v ? TlReader.BOOL_TRUE_ID : TlReader.BOOL_FALSE_ID);
    }

    public <T> void writeVector(boolean boxed, List<T> values, ElementWriter<T> element) {
        if (boxed) {
            buf.writeIntLE(TlReader.VECTOR_ID);
        }
        buf.writeIntLE(values.size());
        for (T v : values) {
            element.write(this, v);
        }
    }
}
