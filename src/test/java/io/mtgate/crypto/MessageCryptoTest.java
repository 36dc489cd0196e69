package io.mtgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The single-call native message crypto (SHA-NI + AES-NI) against the JDK path. */
class MessageCryptoTest {
    private static void assumeNativeEnvelope() {
        assumeTrue(NativeAesIge.envelopeAvailable(), "native envelope unavailable (no kernel or no SHA-NI)");
    }

    /** On a CPU with AES-NI and SHA-NI and the library built, the native path must be the one used. */
    @Test
    void nativeEnvelopeIsActiveWhenSupported() throws IOException {
        assumeTrue(NativeAesIge.isAvailable(), "native kernel not loaded");
        Path cpuinfo = Paths.get("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo));
        boolean sha = Files.readAllLines(cpuinfo).stream()
                .anyMatch(l -> l.startsWith("flags") && Arrays.asList(l.split("\\s+")).contains("sha_ni"));
        assumeTrue(sha, "CPU without SHA-NI");
        assertTrue(MessageCrypto.nativeEnvelope());
    }

    @Test
    void nativeSha256AgreesWithJdk() throws Exception {
        assumeNativeEnvelope();
        SplittableRandom r = new SplittableRandom(3);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] data = new byte[70_000];
        r.nextBytes(data);
        for (int len = 0; len <= 300; len++) {
            int off = r.nextInt(64);
            md.update(data, off, len);
            assertArrayEquals(md.digest(), NativeAesIge.sha256(data, off, len), "len " + len);
        }
        for (int len : new int[] {1000, 1024, 4095, 16384, 16447, 65536, 69_000}) {
            md.update(data, 1, len);
            assertArrayEquals(md.digest(), NativeAesIge.sha256(data, 1, len), "len " + len);
        }
        // FIPS 180-2 "abc"
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Hex.hex(NativeAesIge.sha256("abc".getBytes(), 0, 3)));
    }

    @Test
    void nativeEnvelopeAgreesWithJdkBothDirections() {
        assumeNativeEnvelope();
        SplittableRandom r = new SplittableRandom(11);
        int[] blocks = {1, 2, 3, 4, 5, 63, 64, 65, 66, 67, 1025, 4096};
        for (int round = 0; round < 3; round++) {
            for (int nb : blocks) {
                byte[] key = new byte[256];
                r.nextBytes(key);
                int off = r.nextInt(40);
                int len = 24 + 16 * nb;
                byte[] packet = new byte[off + len + r.nextInt(20)];
                r.nextBytes(packet);
                for (boolean encrypt : new boolean[] {true, false}) {
                    for (int x : new int[] {0, 8}) {
                        byte[] a = packet.clone();
                        byte[] b = packet.clone();
                        byte[] mklA = new byte[32];
                        byte[] mklB = new byte[32];
                        NativeAesIge.envelope(encrypt, x, key, a, off, len, mklA);
                        MessageCrypto.jdk(encrypt, x, key, b, off, len, mklB);
                        String what = "encrypt=" + encrypt + " x=" + x + " blocks " + nb;
                        assertArrayEquals(b, a, what);
                        assertArrayEquals(mklB, mklA, "msg_key_large, " + what);
                    }
                }
            }
        }
    }

    /** The direct-buffer call (the server's send path) gives the bytes of the array call, in place. */
    @Test
    void directBufferEncryptAgreesWithArrayPath() {
        SplittableRandom r = new SplittableRandom(23);
        byte[] key = new byte[256];
        r.nextBytes(key);
        for (int nb : new int[] {1, 3, 64, 65, 4096, 4097}) { // 4097 blocks: above 64 KiB, array fallback
            int len = 24 + 16 * nb;
            byte[] packet = new byte[len];
            r.nextBytes(packet);
            byte[] expected = packet.clone();
            MessageCrypto.encrypt(key, expected, 0, len, new byte[32]);
            for (boolean direct : new boolean[] {true, false}) {
                java.nio.ByteBuffer b = direct ? java.nio.ByteBuffer.allocateDirect(len + 8) : java.nio.ByteBuffer.allocate(len + 8);
                b.put(0, packet).position(3);
                MessageCrypto.encrypt(key, b, len);
                byte[] got = new byte[len];
                b.get(0, got);
                assertArrayEquals(expected, got, "direct=" + direct + " blocks " + nb);
                assertEquals(0, b.getLong(len), "nothing written past the packet");
            }
        }
    }

    @Test
    void directBufferCallRefusesWhatNativeCodeMustNotSee() {
        assumeNativeEnvelope();
        byte[] key = new byte[256];
        java.nio.ByteBuffer small = java.nio.ByteBuffer.allocateDirect(71);
        assertThrows(IllegalArgumentException.class, () -> NativeAesIge.envelopeDirect(true, 8, key, small, 72, null));
        assertThrows(IllegalArgumentException.class,
                () -> NativeAesIge.envelopeDirect(true, 8, key, java.nio.ByteBuffer.allocate(72), 72, null));
        assertThrows(IllegalArgumentException.class, () -> NativeAesIge.envelopeDirect(true, 8, key,
                java.nio.ByteBuffer.allocateDirect(72).asReadOnlyBuffer(), 72, null));
        assertThrows(IllegalArgumentException.class,
                () -> NativeAesIge.envelopeDirect(false, 0, key, java.nio.ByteBuffer.allocateDirect(72), 72, null));
        assertThrows(IllegalArgumentException.class,
                () -> NativeAesIge.envelopeDirect(true, 8, key, java.nio.ByteBuffer.allocateDirect(80), 70, null));
        assertThrows(IndexOutOfBoundsException.class,
                () -> MessageCrypto.encrypt(key, java.nio.ByteBuffer.allocateDirect(71), 72));
    }

    @Test
    void clientAndServerDirectionsMeet() {
        SplittableRandom r = new SplittableRandom(17);
        byte[] key = new byte[256];
        r.nextBytes(key);
        for (int nb : new int[] {3, 64, 4096, 4097}) { // 4097 blocks: above 64 KiB, JDK path
            byte[] plain = new byte[24 + 16 * nb];
            r.nextBytes(plain);
            // client -> server: encrypted with x = 0, decrypted by the server's decrypt
            byte[] packet = plain.clone();
            byte[] sent = new byte[32];
            MessageCrypto.encryptFromClient(key, packet, 0, packet.length, sent);
            assertArrayEquals(MtprotoKdf.msgKeyLarge(key, 0, plain, 24, plain.length - 24), sent);
            byte[] got = new byte[32];
            MessageCrypto.decrypt(key, packet, 0, packet.length, got);
            assertDecryptedAndVerified(plain, packet, got);
            // server -> client: the server's encrypt, decrypted with x = 8
            packet = plain.clone();
            MessageCrypto.encrypt(key, packet, 0, packet.length, sent);
            MessageCrypto.decryptFromServer(key, packet, 0, packet.length, got);
            assertDecryptedAndVerified(plain, packet, got);
        }
        assertThrows(IllegalArgumentException.class,
                () -> NativeAesIge.envelope(true, 4, key, new byte[72], 0, 72, new byte[32]));
    }

    /** The packet holds the plaintext again, and the msg_key_large it produced names the packet's msg_key. */
    private static void assertDecryptedAndVerified(byte[] plain, byte[] packet, byte[] mkl) {
        assertArrayEquals(Arrays.copyOfRange(plain, 24, plain.length), Arrays.copyOfRange(packet, 24, packet.length));
        assertArrayEquals(Arrays.copyOfRange(packet, 8, 24), Arrays.copyOfRange(mkl, 8, 24), "msg_key checks");
    }

    @Test
    void encryptThenDecryptRoundTripsAndVerifiesMsgKey() {
        SplittableRandom r = new SplittableRandom(5);
        byte[] key = new byte[256];
        r.nextBytes(key);
        for (int nb : new int[] {3, 64, 4096, 4097, 5000}) { // 4097+ blocks: above 64 KiB, JDK path
            byte[] plain = new byte[24 + 16 * nb];
            r.nextBytes(plain);
            byte[] packet = plain.clone();
            byte[] mkl = new byte[32];
            MessageCrypto.encrypt(key, packet, 0, packet.length, mkl);
            assertArrayEquals(MtprotoKdf.msgKeyLarge(key, 8, plain, 24, plain.length - 24), mkl);
            assertArrayEquals(Arrays.copyOfRange(mkl, 8, 24), Arrays.copyOfRange(packet, 8, 24));
            // the server's x = 8 message decrypts with the x = 8 KDF (as the client does)
            MtprotoKdf.KeyIv kv = MtprotoKdf.v2(key, Arrays.copyOfRange(packet, 8, 24), 8);
            byte[] dec = AesIge.decrypt(kv.key(), kv.iv(), Arrays.copyOfRange(packet, 24, packet.length));
            assertArrayEquals(Arrays.copyOfRange(plain, 24, plain.length), dec);
        }
    }

    @Test
    void rejectsBadArguments() {
        byte[] key = new byte[256];
        byte[] p = new byte[24 + 32];
        byte[] mkl = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> MessageCrypto.decrypt(key, p, 0, 24 + 8, mkl));
        assertThrows(IllegalArgumentException.class, () -> MessageCrypto.decrypt(key, p, 0, 24, mkl));
        assertThrows(IndexOutOfBoundsException.class, () -> MessageCrypto.decrypt(key, p, 16, p.length, mkl));
        assertThrows(IllegalArgumentException.class, () -> MessageCrypto.decrypt(new byte[255], p, 0, p.length, mkl));
        assertThrows(RuntimeException.class, () -> MessageCrypto.decrypt(key, p, 0, p.length, new byte[31]));
    }
}
