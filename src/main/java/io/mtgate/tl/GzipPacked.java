package io.mtgate.tl;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * {@code gzip_packed#3072cfa1 packed_data:string} (checklist section 4): a gzip member holding one
 * serialized TL object. Decompression is bounded: the output stops at {@code maxSize} bytes and the
 * input is refused, so a small "zip bomb" costs at most {@code maxSize} bytes of memory.
 */
public final class GzipPacked {
    public static final int CONSTRUCTOR_ID = 0x3072cfa1;

    private GzipPacked() {
    }

    /**
     * The decompressed content of {@code packedData} (a gzip stream, RFC 1952).
     *
     * @throws TlDecodeException when the data is not a complete, valid gzip member or inflates past
     *                           {@code maxSize} bytes
     */
    public static byte[] unpack(byte[] packedData, int maxSize) {
        int headerEnd = gzipHeaderEnd(packedData);
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(packedData, headerEnd, packedData.length - headerEnd);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxSize, Math.max(64, packedData.length * 4)));
            byte[] chunk = new byte[8192];
            while (!inflater.finished()) {
                int room = maxSize - out.size();
                int n = inflater.inflate(chunk, 0, Math.min(chunk.length, room + 1));
                if (n == 0) {
                    if (inflater.needsInput() || inflater.needsDictionary()) {
                        throw new TlDecodeException("gzip_packed: truncated deflate stream");
                    }
                }
                if (n > room) {
                    throw new TlLimitException("gzip_packed: inflates past " + maxSize + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new TlDecodeException("gzip_packed: invalid deflate data");
        } finally {
            inflater.end();
        }
    }

    /** gzip of {@code data} (what the server would put in {@code packed_data}). */
    public static byte[] pack(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, 0, 10);
            byte[] chunk = new byte[8192];
            while (!deflater.finished()) {
                int n = deflater.deflate(chunk);
                out.write(chunk, 0, n);
            }
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(data);
            long c = crc.getValue();
            int len = data.length;
            out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                    (byte) len, (byte) (len >> 8), (byte) (len >> 16), (byte) (len >> 24)}, 0, 8);
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Validates the fixed gzip header (and skips its optional fields); returns the deflate start. */
    private static int gzipHeaderEnd(byte[] d) {
        if (d.length < 18 || (d[0] & 0xff) != 0x1f || (d[1] & 0xff) != 0x8b || d[2] != 8) {
            throw new TlDecodeException("gzip_packed: not a gzip member");
        }
        int flags = d[3] & 0xff;
        int p = 10;
        try {
            if ((flags & 4) != 0) { // FEXTRA
                int xlen = (d[p] & 0xff) | (d[p + 1] & 0xff) << 8;
                p += 2 + xlen;
            }
            if ((flags & 8) != 0) { // FNAME
                while (d[p++] != 0) { }
            }
            if ((flags & 16) != 0) { // FCOMMENT
                while (d[p++] != 0) { }
            }
            if ((flags & 2) != 0) { // FHCRC
                p += 2;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new TlDecodeException("gzip_packed: truncated header");
        }
        if (p > d.length) {
            throw new TlDecodeException("gzip_packed: truncated header");
        }
        return p;
    }
}
