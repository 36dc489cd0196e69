package io.mtgate.crypto;

import static io.mtgate.crypto.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import io.mtgate.crypto.IgeImpls.Ige;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs against the public dispatcher, the pure-JDK and the native implementation. */
class AesIgeTest {

    static List<Ige> impls() {
        return IgeImpls.all();
    }

    /** A.4 Telethon v2: key = iv = data = 00..1F. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void telethonVectors(Ige ige) {
        ige.assumeAvailable();
        byte[] k = Hex.seq(0, 32);
        assertEquals("e28112a53e5c89c7b1ea8071c133699fd4e86b26c4bac9fc5af1ab8ce27a44a4",
                hex(ige.encrypt(k, k, k)));
        assertEquals("e5777afacd7b2c16f7ac40cae61ef603fee6098fb8a8860ab9ee672cd7e5bacc",
                hex(ige.decrypt(k, k, k)));
        // and each inverts the other
        assertArrayEquals(k, ige.decrypt(k, k, ige.encrypt(k, k, k)));
        assertArrayEquals(k, ige.encrypt(k, k, ige.decrypt(k, k, k)));
    }

    /** A.4 tdlib Crypto.AesIgeState: CRC32 of the ciphertext for each length. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void tdlibCrcSeries(Ige ige) {
        ige.assumeAvailable();
        int[] lengths = {0, 16, 32, 256, 1024, 65536};
        long[] crcs = {0L, 2045698207L, 2423540300L, 525522475L, 1545267325L, 724143417L};
        for (int t = 0; t < lengths.length; t++) {
            int len = lengths[t];
            int[] seed = {len};
            byte[] plain = tdlibBytes(seed, len);
            byte[] key = tdlibBytes(seed, 32);
            byte[] iv = tdlibBytes(seed, 32);
            byte[] enc = ige.encrypt(key, iv, plain);
            CRC32 crc = new CRC32();
            crc.update(enc);
            assertEquals(crcs[t], crc.getValue(), "length " + len);
            assertArrayEquals(plain, ige.decrypt(key, iv, enc), "round trip, length " + len);
            if (len > 0) {
                assertFalse(Arrays.equals(plain, enc));
            }
        }
    }

    private static byte[] tdlibBytes(int[] seed, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            seed[0] = seed[0] * 123457567 + 987651241;
            b[i] = (byte) ((seed[0] >>> 23) & 255);
        }
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void matchesReferenceForManyLengthsOffsetsAndInPlace(Ige ige) {
        ige.assumeAvailable();
        Random r = new Random(42);
        for (int blocks = 0; blocks <= 70; blocks++) {
            int len = blocks * 16;
            byte[] key = new byte[32];
            byte[] iv = new byte[32];
            byte[] data = new byte[len];
            r.nextBytes(key);
            r.nextBytes(iv);
            r.nextBytes(data);
            byte[] refEnc = IgeImpls.reference(true, key, iv, data);
            assertArrayEquals(refEnc, ige.encrypt(key, iv, data), "enc len " + len);
            assertArrayEquals(data, IgeImpls.reference(false, key, iv, refEnc), "reference self-check");
            assertArrayEquals(data, ige.decrypt(key, iv, refEnc), "dec len " + len);

            // offset forms into a larger buffer, guard bytes untouched
            int inOff = 3 + blocks % 5;
            int outOff = 7;
            byte[] in = new byte[len + inOff + 5];
            System.arraycopy(data, 0, in, inOff, len);
            byte[] out = new byte[len + outOff + 9];
            Arrays.fill(out, (byte) 0x5A);
            ige.encrypt(key, iv, in, inOff, len, out, outOff);
            assertArrayEquals(refEnc, Arrays.copyOfRange(out, outOff, outOff + len));
            assertEquals(0x5A, out[outOff - 1]);
            assertEquals(0x5A, out[outOff + len]);

            // in place, both directions
            byte[] buf = in.clone();
            ige.encrypt(key, iv, buf, inOff, len, buf, inOff);
            assertArrayEquals(refEnc, Arrays.copyOfRange(buf, inOff, inOff + len));
            ige.decrypt(key, iv, buf, inOff, len, buf, inOff);
            assertArrayEquals(in, buf);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void largeBufferBeyondRetainedScratch(Ige ige) {
        ige.assumeAvailable();
        SecureRandom rnd = new SecureRandom();
        byte[] key = new byte[32];
        byte[] iv = new byte[32];
        byte[] data = new byte[(1 << 20) + 4096];
        rnd.nextBytes(key);
        rnd.nextBytes(iv);
        rnd.nextBytes(data);
        byte[] enc = ige.encrypt(key, iv, data);
        assertArrayEquals(IgeImpls.reference(true, key, iv, data), enc);
        assertArrayEquals(data, ige.decrypt(key, iv, enc));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void rejectsBadArguments(Ige ige) {
        ige.assumeAvailable();
        byte[] k = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> ige.encrypt(k, k, new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> ige.decrypt(k, k, new byte[17]));
        assertThrows(IllegalArgumentException.class, () -> ige.encrypt(new byte[16], k, new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> ige.decrypt(k, new byte[16], new byte[16]));
        assertThrows(IndexOutOfBoundsException.class,
                () -> ige.encrypt(k, k, new byte[32], 8, 32, new byte[32], 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> ige.decrypt(k, k, new byte[32], 0, 32, new byte[40], 16));
    }
}
