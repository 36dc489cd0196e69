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
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AesIgeTest {

    /** A.4 Telethon v2: key = iv = data = 00..1F. */
    @Test
    void telethonVectors() {
        byte[] k = Hex.seq(0, 32);
        assertEquals("e28112a53e5c89c7b1ea8071c133699fd4e86b26c4bac9fc5af1ab8ce27a44a4",
                hex(AesIge.encrypt(k, k, k)));
        assertEquals("e5777afacd7b2c16f7ac40cae61ef603fee6098fb8a8860ab9ee672cd7e5bacc",
                hex(AesIge.decrypt(k, k, k)));
        // and each inverts the other
        assertArrayEquals(k, AesIge.decrypt(k, k, AesIge.encrypt(k, k, k)));
        assertArrayEquals(k, AesIge.encrypt(k, k, AesIge.decrypt(k, k, k)));
    }

    /** A.4 tdlib Crypto.AesIgeState: CRC32 of the ciphertext for each length. */
    @Test
    void tdlibCrcSeries() {
        int[] lengths = {0, 16, 32, 256, 1024, 65536};
        long[] crcs = {0L, 2045698207L, 2423540300L, 525522475L, 1545267325L, 724143417L};
        for (int t = 0; t < lengths.length; t++) {
            int len = lengths[t];
            int[] seed = {len};
            byte[] plain = tdlibBytes(seed, len);
            byte[] key = tdlibBytes(seed, 32);
            byte[] iv = tdlibBytes(seed, 32);
            byte[] enc = AesIge.encrypt(key, iv, plain);
            CRC32 crc = new CRC32();
            crc.update(enc);
            assertEquals(crcs[t], crc.getValue(), "length " + len);
            assertArrayEquals(plain, AesIge.decrypt(key, iv, enc), "round trip, length " + len);
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

    /** Textbook IGE, one ECB block at a time, as an independent reference. */
    private static byte[] referenceIge(boolean encrypt, byte[] key, byte[] iv, byte[] data) throws Exception {
        Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"));
        byte[] out = new byte[data.length];
        // encrypt: prevIn = p_{-1} = iv[16..32), prevOut = c_{-1} = iv[0..16)
        // decrypt: prevIn = c_{-1} = iv[0..16),  prevOut = p_{-1} = iv[16..32)
        byte[] prevIn = Arrays.copyOfRange(iv, encrypt ? 16 : 0, encrypt ? 32 : 16);
        byte[] prevOut = Arrays.copyOfRange(iv, encrypt ? 0 : 16, encrypt ? 16 : 32);
        for (int j = 0; j < data.length; j += 16) {
            byte[] x = Arrays.copyOfRange(data, j, j + 16);
            byte[] t = new byte[16];
            for (int i = 0; i < 16; i++) {
                t[i] = (byte) (x[i] ^ prevOut[i]);
            }
            byte[] y = c.doFinal(t);
            for (int i = 0; i < 16; i++) {
                y[i] ^= prevIn[i];
            }
            System.arraycopy(y, 0, out, j, 16);
            prevIn = x;
            prevOut = y;
        }
        return out;
    }

    @Test
    void matchesReferenceForManyLengthsOffsetsAndInPlace() throws Exception {
        Random r = new Random(42);
        for (int blocks = 0; blocks <= 70; blocks++) {
            int len = blocks * 16;
            byte[] key = new byte[32];
            byte[] iv = new byte[32];
            byte[] data = new byte[len];
            r.nextBytes(key);
            r.nextBytes(iv);
            r.nextBytes(data);
            byte[] refEnc = referenceIge(true, key, iv, data);
            assertArrayEquals(refEnc, AesIge.encrypt(key, iv, data), "enc len " + len);
            assertArrayEquals(data, referenceIge(false, key, iv, refEnc), "reference self-check");
            assertArrayEquals(data, AesIge.decrypt(key, iv, refEnc), "dec len " + len);

            // offset forms into a larger buffer, guard bytes untouched
            int inOff = 3 + blocks % 5;
            int outOff = 7;
            byte[] in = new byte[len + inOff + 5];
            System.arraycopy(data, 0, in, inOff, len);
            byte[] out = new byte[len + outOff + 9];
            Arrays.fill(out, (byte) 0x5A);
            AesIge.encrypt(key, iv, in, inOff, len, out, outOff);
            assertArrayEquals(refEnc, Arrays.copyOfRange(out, outOff, outOff + len));
            assertEquals(0x5A, out[outOff - 1]);
            assertEquals(0x5A, out[outOff + len]);

            // in place, both directions
            byte[] buf = in.clone();
            AesIge.encrypt(key, iv, buf, inOff, len, buf, inOff);
            assertArrayEquals(refEnc, Arrays.copyOfRange(buf, inOff, inOff + len));
            AesIge.decrypt(key, iv, buf, inOff, len, buf, inOff);
            assertArrayEquals(in, buf);
        }
    }

    @Test
    void largeBufferBeyondRetainedScratch() throws Exception {
        SecureRandom rnd = new SecureRandom();
        byte[] key = new byte[32];
        byte[] iv = new byte[32];
        byte[] data = new byte[(1 << 20) + 4096];
        rnd.nextBytes(key);
        rnd.nextBytes(iv);
        rnd.nextBytes(data);
        byte[] enc = AesIge.encrypt(key, iv, data);
        assertArrayEquals(referenceIge(true, key, iv, data), enc);
        assertArrayEquals(data, AesIge.decrypt(key, iv, enc));
    }

    @Test
    void rejectsBadArguments() {
        byte[] k = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> AesIge.encrypt(k, k, new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> AesIge.decrypt(k, k, new byte[17]));
        assertThrows(IllegalArgumentException.class, () -> AesIge.encrypt(new byte[16], k, new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> AesIge.decrypt(k, new byte[16], new byte[16]));
        assertThrows(IndexOutOfBoundsException.class,
                () -> AesIge.encrypt(k, k, new byte[32], 8, 32, new byte[32], 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> AesIge.decrypt(k, k, new byte[32], 0, 32, new byte[40], 16));
    }
}
