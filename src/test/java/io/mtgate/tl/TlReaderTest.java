package io.mtgate.tl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlReaderTest {
    private static final TlLimits SMALL = new TlLimits(1000, 100, 4);

    private static TlReader reader(String hex, TlLimits limits) {
        return new TlReader(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)), limits, null);
    }

    @Test
    void bytesRoundTripAcrossTheLongFormBoundary() {
        for (int len : new int[] {0, 1, 3, 4, 252, 253, 254, 255, 1000}) {
            byte[] v = new byte[len];
            for (int i = 0; i < len; i++) {
                v[i] = (byte) (i * 7 + 1);
            }
            ByteBuf buf = Unpooled.buffer();
            new TlWriter(buf).writeBytes(v);
            assertEquals(0, buf.readableBytes() % 4, "padded to 4 at length " + len);
            TlReader r = new TlReader(buf, TlLimits.DEFAULT, null);
            assertArrayEquals(v, r.readBytes());
            assertEquals(0, r.remaining());
        }
    }

    @Test
    void declaredBytesLengthBeyondInputFailsWithoutAllocating() {
        // 0xfe + length 0xffffff, then nothing: must fail fast on both limit and remaining.
        assertThrows(TlDecodeException.class, () -> reader("feffffff", TlLimits.DEFAULT).readBytes());
        assertThrows(TlDecodeException.class, () -> reader("fee8030000", SMALL).readBytes()); // 1000 > remaining
        assertThrows(TlDecodeException.class, () -> reader("fee9030000", SMALL).readBytes()); // 1001 > limit
        assertThrows(TlDecodeException.class, () -> reader("ff000000", SMALL).readBytes());
        // Long form for a short value is not canonical TL.
        assertThrows(TlDecodeException.class, () -> reader("fe01000041000000", SMALL).readBytes());
    }

    @Test
    void vectorCountIsCheckedAgainstRemainingAndLimit() {
        // 1 million longs declared, 8 bytes present.
        assertThrows(TlDecodeException.class,
                () -> reader("15c4b51c40420f000100000000000000", TlLimits.DEFAULT).readVector(true, TlReader::readLong));
        // 101 elements > limit 100, even with enough bytes.
        String hundredOne = "15c4b51c65000000" + "00000000".repeat(101);
        assertThrows(TlDecodeException.class, () -> reader(hundredOne, SMALL).readVector(true, TlReader::readInt));
        assertThrows(TlDecodeException.class, () -> reader("15c4b51cffffffff", SMALL).readVector(true, TlReader::readInt));
        assertThrows(TlDecodeException.class, () -> reader("00000000", SMALL).readVector(true, TlReader::readInt));
        List<Long> ok = reader("15c4b51c010000000100000000000000", SMALL).readVector(true, TlReader::readLong);
        assertEquals(List.of(1L), ok);
    }

    @Test
    void truncatedPrimitivesFail() {
        assertThrows(TlDecodeException.class, () -> reader("010203", SMALL).readInt());
        assertThrows(TlDecodeException.class, () -> reader("01020304050607", SMALL).readLong());
        assertThrows(TlDecodeException.class, () -> reader("00".repeat(15), SMALL).readInt128());
        assertThrows(TlDecodeException.class, () -> reader("00000000", SMALL).readBool());
    }

    @Test
    void nestingDepthIsBounded() {
        // Vectors of vectors deeper than the limit of 4.
        String nested = "15c4b51c01000000".repeat(6) + "00000000";
        TlReader r = reader(nested, SMALL);
        assertThrows(TlDecodeException.class, () -> readNested(r));
    }

    private static Object readNested(TlReader r) {
        return r.readVector(true, TlReaderTest::readNested);
    }
}
