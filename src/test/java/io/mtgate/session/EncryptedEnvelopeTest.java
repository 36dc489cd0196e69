package io.mtgate.session;

import static io.mtgate.session.ClientView.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AuthKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptedEnvelopeTest {
    /** A.9: the official sample's auth_key (used by A.3). */
    static final AuthKey A9_KEY = new AuthKey(hex("""
            83cbd31c0303361ff1c29437a77cba749c84f28a118646038c7edd29ef718a1f
            6a493047d476a6e678d97a4a5cc7990cea552d68e109869e5bfc86570049cd8f
            2eb4ba10b6c4123fb8a977774b4c5185b5c96af7bd7a71db78e6e6148ced2048
            869a21b8ed7fba7f6f2e7722bfa28447ab84a245cb0e6d01261191b753191e74
            4dcfda522d50167832ee4d5ee90aaa6f31821248f0f06bf5692ef604cfc4316c
            ede078f71e17bcebbe388589e6707af5ba26e8dd063bb116c4b4e7bef3b462c3
            350d0376d42f95d353e46be4c378d2a60141a2339641f8b712eb3ecfb42b7f26
            f69e9bb15373e0ac4be266e1681859ddaab8cd7d877bb847d2a8bd068a784943"""));
    static final byte[] A3_PLAINTEXT = hex("""
            a658f6f8e4c40d89010203040506070804000000ece57767000000000c000000
            ec77be7a8877665544332211abababababababababababababababababababab""");
    static final byte[] A3_PACKET = hex("""
            0438720625f291f6935286a510ce70b69f7e9b7426aa839ee2d815ce34983fb2
            11c9a86b07cd6db9862961d1c6b3b5afbfe1265a5a1c5af7dd8e1815acd46a9c
            ed16b20a1185ed6db8ebae9c503da97e73574bbb9cec89c2""");

    /** A.2 decrypt: a real Telegram server->client packet. */
    static final AuthKey A2_SERVER_KEY = new AuthKey(hex("""
            5d2e7d65f49ec28bd029a88761ea27b8a4c79f12226525443e7d7c596ef33035
            30db2107e89aa997c7a0164ab694187adeff156bd6ef7118a1962347753c0e7e
            89a0354b8ec364f9997e71bc6923fb86e8e43491e010606a6ce845e2fa019409
            77ef0aa32adf5a97dbf6d428ec0434d717a2d3ad19622cc05887642113c7965f
            fb862a3e3ccb0ab95addda57f89245dbd76b492348f8e94bd5a7c0e0b8480852
            3cfd1ea80b32fe9ad198bc2e103fceb7d52492ecc0273a28674bc923eee59265
            ab17a002df1f4aa2c59b819a5e5e1d105ec117336f5c76c6b187037d4b4270ce
            e9cc21071d97e9bca220c6d7b01b998cf2e5cdb9a50ecda1852a36e635690c8e"""));
    static final byte[] A2_SERVER_PACKET = hex("""
            7a7183c2c10e4f4df945fa9a9abd35e7c3840b61f045304f39674c19c0e20978
            4f50f6226a073529d675c92cbf0bfa8c99a79b3f39c72a5d9a026d431ab7407c
            a04ecc55187d6c45f17871524edd90cea02ed728e14d7cb18aea2a636158f094
            59a9437710d894c79f368c4e8164b7647ea98612aefe942c5d92121acb8db02d
            ccceb66d0f8720ac12a06db0582bfd955be34f365118e3bab8cd080ce6b45b28
            eac56dcd2a29374e""");
    static final byte[] A2_SERVER_PLAINTEXT = hex("""
            fc826a02248b28fd60f2c4822443ad6801f0c1c2918b305e0200000058000000
            dcf8f1730200000001a8c1c2918b305e010000001c0000000809c29ec4fd33ad
            918b305e18a88ea607ee5816fc826a02248b28fd01ccc1c2918b305e02000000
            14000000c5737734c4fd33ad918b305e6408300000000000fce66704a3cd8ee9
            d0ae6fab672c60c04a3f1fd4490e51f6""");

    private static final AuthKey KEY = A9_KEY;
    private static final EncryptedEnvelope ENV = EncryptedEnvelope.forKey(KEY);

    // ---------------------------------------------------------------- vectors

    @Test
    void a2ClientViewDecryptsTheRealServerPacket() {
        assertArrayEquals(A2_SERVER_PLAINTEXT, ClientView.decryptFromServer(A2_SERVER_KEY, A2_SERVER_PACKET));
    }

    /**
     * The server's send path reproduces the real Telegram packet of A.2 byte for byte when its
     * random source replays Telegram's padding (24 bytes: the minimum, no extra block).
     */
    @Test
    void a2ServerEncryptReproducesTheRealServerPacket() {
        ByteBuffer pt = ByteBuffer.wrap(A2_SERVER_PLAINTEXT).order(ByteOrder.LITTLE_ENDIAN);
        int len = pt.getInt(28);
        assertEquals(88, len);
        byte[] body = Arrays.copyOfRange(A2_SERVER_PLAINTEXT, 32, 32 + len);
        byte[] padding = Arrays.copyOfRange(A2_SERVER_PLAINTEXT, 32 + len, A2_SERVER_PLAINTEXT.length);
        assertEquals(24, padding.length);
        byte[] out = EncryptedEnvelope.encrypt(A2_SERVER_KEY, pt.getLong(0), pt.getLong(8), pt.getLong(16),
                pt.getInt(24), body, new Replay(0, padding));
        assertEquals(hex(A2_SERVER_PACKET), hex(out));
    }

    /** A.2 encrypt (Telethon, x = 0, no MTProto header): the client view; the server rejects it. */
    @Test
    void a2EncryptDirection() {
        byte[] k = new byte[256];
        for (int i = 0; i < 256; i++) {
            k[i] = (byte) i;
        }
        AuthKey key = new AuthKey(k);
        byte[] plain = Arrays.copyOf("Hello, world! This data should remain secure!".getBytes(), 64);
        byte[] packet = ClientView.encrypt(key, plain);
        assertEquals("32d1586ea457dfc8a81729d46db54019a2bfd7f744f9b96c4f716cfdc4477db2"
                + "a2c15f6ddb85235fb9552f1d8407c6aaea00cc844c5a1bf6ac44b79b5edc2a23"
                + "868b3d6073a590992c0f2975243d563ea180d218ee757c9a", hex(packet));
        // msg_key is right, but the "header" is ASCII: message_data_length = "ure!" -> rejected
        assertTrue(EncryptedEnvelope.decrypt(key, packet).isEmpty());
    }

    @Test
    void a3ServerDecryptsClientPacket() {
        byte[] packet = A3_PACKET.clone();
        DecryptedMessage m = ENV.decryptInPlace(packet).orElseThrow();
        assertEquals(0x890dc4e4f8f658a6L, m.salt());
        assertEquals(0x0807060504030201L, m.sessionId());
        assertEquals(0x6777E5EC00000004L, m.msgId());
        assertEquals(0, m.seqno());
        assertEquals("ec77be7a8877665544332211", hex(m.body()));
        assertEquals(0xa525ac2e, m.quickAckToken());
        // decrypted in place
        assertArrayEquals(A3_PLAINTEXT, Arrays.copyOfRange(packet, 24, packet.length));
        // the static form does not touch its input
        byte[] again = A3_PACKET.clone();
        assertEquals(0xa525ac2e, EncryptedEnvelope.decrypt(KEY, again).orElseThrow().quickAckToken());
        assertArrayEquals(A3_PACKET, again);
    }

    @Test
    void a3ClientViewEncryptMatchesPacket() {
        assertArrayEquals(A3_PACKET, ClientView.encrypt(KEY, A3_PLAINTEXT));
    }

    @Test
    void decryptsAtAnOffsetInsideALargerBuffer() {
        byte[] buf = new byte[A3_PACKET.length + 13];
        System.arraycopy(A3_PACKET, 0, buf, 7, A3_PACKET.length);
        DecryptedMessage m = ENV.decryptInPlace(buf, 7, A3_PACKET.length).orElseThrow();
        assertEquals(0x6777E5EC00000004L, m.msgId());
        for (int i : new int[] {0, 1, 2, 3, 4, 5, 6, buf.length - 1, buf.length - 6}) {
            assertEquals(0, buf[i]);
        }
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void serverEncryptClientDecryptManySizes() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int len = 0; len <= 4096 + 64; len += (len < 256 ? 4 : 60)) {
            roundTripToClient(rnd, len);
        }
        roundTripToClient(rnd, 16384);
        roundTripToClient(rnd, 1 << 20);
    }

    /**
     * The buffer form (the server's send path seals into a pooled direct buffer) writes exactly the
     * bytes of the array form for the same generator, from index 0 of the view, and nothing past
     * them; direct buffers take the native in-place call, heap buffers the array path.
     */
    @Test
    void bufferEncryptMatchesArrayEncrypt() {
        for (boolean direct : new boolean[] {true, false}) {
            for (int len : new int[] {0, 4, 60, 64, 1024, 16384, 65_000, 70_000}) {
                byte[] body = new byte[len];
                new SplittableRandom(len).nextBytes(body);
                byte[] expected = ENV.encrypt(7L, 8L, 13L, 5, body, 0, len, new SplittableRandom(99));
                int max = EncryptedEnvelope.maxSealedLength(len);
                ByteBuffer whole = direct ? ByteBuffer.allocateDirect(max + 40) : ByteBuffer.allocate(max + 40);
                ByteBuffer view = whole.position(16).slice(); // written from the view's index 0
                int n = ENV.encrypt(view, 7L, 8L, 13L, 5, body, 0, len, new SplittableRandom(99));
                assertEquals(expected.length, n);
                byte[] got = new byte[n];
                view.get(0, got);
                assertArrayEquals(expected, got, "direct=" + direct + " len " + len);
                for (int i = 0; i < 16; i++) {
                    assertEquals(0, whole.get(i), "nothing before the view");
                }
                for (int i = 16 + n; i < whole.capacity(); i++) {
                    assertEquals(0, whole.get(i), "nothing after the message");
                }
            }
        }
        // the production generator: a different draw, still a message the client reads
        ByteBuffer d = ByteBuffer.allocateDirect(EncryptedEnvelope.maxSealedLength(88));
        byte[] body = new byte[88];
        int n = ENV.encrypt(d, 1L, 2L, 5L, 7, body, 0, 88, io.mtgate.crypto.PaddingRandom.current());
        byte[] packet = new byte[n];
        d.get(0, packet);
        byte[] plain = ClientView.decryptFromServer(KEY, packet);
        assertEquals(88, ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).getInt(28));
        assertThrows(IllegalArgumentException.class, () -> ENV.encrypt(ByteBuffer.allocateDirect(
                EncryptedEnvelope.maxSealedLength(88) - 1), 1L, 2L, 5L, 7, body, 0, 88, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> ENV.encrypt(ByteBuffer.allocateDirect(200),
                1L, 2L, 5L, 7, new byte[6], 0, 6, new SplittableRandom(1)));
    }

    @Test
    void a2ServerPacketSealedIntoADirectBuffer() {
        ByteBuffer pt = ByteBuffer.wrap(A2_SERVER_PLAINTEXT).order(ByteOrder.LITTLE_ENDIAN);
        byte[] body = Arrays.copyOfRange(A2_SERVER_PLAINTEXT, 32, 32 + 88);
        byte[] padding = Arrays.copyOfRange(A2_SERVER_PLAINTEXT, 32 + 88, A2_SERVER_PLAINTEXT.length);
        ByteBuffer d = ByteBuffer.allocateDirect(EncryptedEnvelope.maxSealedLength(88));
        int n = EncryptedEnvelope.forKey(A2_SERVER_KEY).encrypt(d, pt.getLong(0), pt.getLong(8), pt.getLong(16),
                pt.getInt(24), body, 0, 88, new Replay(0, padding));
        byte[] out = new byte[n];
        d.get(0, out);
        assertEquals(hex(A2_SERVER_PACKET), hex(out));
    }

    private static void roundTripToClient(SplittableRandom rnd, int len) {
        byte[] body = new byte[len];
        rnd.nextBytes(body);
        long salt = rnd.nextLong();
        long session = rnd.nextLong();
        long msgId = rnd.nextLong() | 1;
        int seqno = rnd.nextInt();
        byte[] packet = ENV.encrypt(salt, session, msgId, seqno, body, 0, len, rnd);
        assertEquals(0, (packet.length - 24) % 16);
        int padding = packet.length - 24 - 32 - len;
        assertTrue(padding >= 12 && padding <= 12 + 15 + 16 * EncryptedEnvelope.MAX_EXTRA_PADDING_BLOCKS,
                "padding " + padding);
        byte[] plain = ClientView.decryptFromServer(KEY, packet);
        ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(salt, b.getLong(0));
        assertEquals(session, b.getLong(8));
        assertEquals(msgId, b.getLong(16));
        assertEquals(seqno, b.getInt(24));
        assertEquals(len, b.getInt(28));
        assertArrayEquals(body, Arrays.copyOfRange(plain, 32, 32 + len));
    }

    @Test
    void paddingIsRandomAndCoversTheExtraBlocks() {
        SplittableRandom rnd = new SplittableRandom(7);
        boolean[] seen = new boolean[EncryptedEnvelope.MAX_EXTRA_PADDING_BLOCKS + 1];
        byte[] body = new byte[20];
        byte[] first = null;
        boolean differs = false;
        for (int i = 0; i < 200; i++) {
            byte[] p = ENV.encrypt(1, 2, 3, 4, body, 0, body.length, rnd);
            int padding = p.length - 24 - 32 - body.length;
            seen[(padding - 12) / 16] = true;
            if (first == null) {
                first = p;
            } else if (p.length == first.length && !Arrays.equals(p, first)) {
                differs = true;
            }
        }
        for (boolean s : seen) {
            assertTrue(s);
        }
        assertTrue(differs);
    }

    @Test
    void clientEncryptServerDecryptManySizes() {
        SplittableRandom rnd = new SplittableRandom(43);
        for (int len = 0; len <= 4096 + 64; len += (len < 256 ? 4 : 60)) {
            for (int padding : paddingsFor(len, rnd)) {
                byte[] body = new byte[len];
                rnd.nextBytes(body);
                byte[] pad = new byte[padding];
                rnd.nextBytes(pad);
                long salt = rnd.nextLong();
                long session = rnd.nextLong();
                long msgId = rnd.nextLong() & ~3L;
                int seqno = rnd.nextInt();
                byte[] packet = ClientView.encrypt(KEY, ClientView.plaintext(salt, session, msgId, seqno, len, body, pad));
                DecryptedMessage m = ENV.decryptInPlace(packet).orElseThrow();
                assertEquals(salt, m.salt());
                assertEquals(session, m.sessionId());
                assertEquals(msgId, m.msgId());
                assertEquals(seqno, m.seqno());
                assertArrayEquals(body, m.body());
            }
        }
    }

    /** The smallest and the largest valid padding for {@code len}, and one random in between. */
    private static int[] paddingsFor(int len, SplittableRandom rnd) {
        int min = 12 + (-(32 + len + 12) & 15);
        int max = min + ((1024 - min) / 16) * 16;
        return new int[] {min, max, min + 16 * rnd.nextInt((max - min) / 16 + 1)};
    }

    @Test
    void boundaryPaddingsAccepted() {
        assertTrue(ENV.decryptInPlace(craft(4, 4, 12)).isPresent());     // 32+4+12 = 48
        assertTrue(ENV.decryptInPlace(craft(0, 0, 1024)).isPresent());   // 32+0+1024 = 1056
        assertTrue(ENV.decryptInPlace(craft(0, 0, 16)).isPresent());     // minimal packet: 72 bytes
    }

    // ---------------------------------------------------------------- rejections

    /** A plaintext with {@code bodyLen} body bytes, the given message_data_length field and padding, correct msg_key. */
    private static byte[] craft(int bodyLen, int dataLengthField, int padding) {
        assertEquals(0, (32 + bodyLen + padding) % 16, "test bug: plaintext must be a multiple of 16");
        byte[] body = new byte[bodyLen];
        Arrays.fill(body, (byte) 0x5a);
        byte[] pad = new byte[padding];
        Arrays.fill(pad, (byte) 0xab);
        return ClientView.encrypt(KEY, ClientView.plaintext(11, 22, 0x6777E5EC00000004L, 1, dataLengthField, body, pad));
    }

    private static void assertRejected(byte[] packet) {
        assertRejected(packet, 0, packet.length);
    }

    private static void assertRejected(byte[] packet, int off, int len) {
        Optional<DecryptedMessage> r = ENV.decryptInPlace(packet, off, len);
        assertSame(Optional.empty(), r); // the one shared empty instance: identical result for every case
    }

    @Test
    void wrongAuthKeyId() {
        byte[] p = A3_PACKET.clone();
        p[3] ^= 1;
        assertRejected(p);
        // a valid packet for another key
        byte[] other = EncryptedEnvelope.encrypt(A2_SERVER_KEY, 1, 2, 3, 4, new byte[8], new SplittableRandom(1));
        assertRejected(other);
    }

    @Test
    void everySingleBitFlipIsRejected() {
        for (int i = 0; i < A3_PACKET.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] p = A3_PACKET.clone();
                p[i] ^= (byte) (1 << bit);
                assertRejected(p);
            }
        }
        // longer packet: first, middle and last ciphertext block, msg_key bytes
        byte[] body = new byte[1000];
        byte[] good = ClientView.encrypt(KEY, ClientView.plaintext(1, 2, 4, 0, 1000, body, new byte[24]));
        assertTrue(ENV.decryptInPlace(good.clone()).isPresent());
        for (int i : new int[] {8, 15, 23, 24, 39, 40, 55, 56, 600, good.length - 17, good.length - 16, good.length - 1}) {
            byte[] p = good.clone();
            p[i] ^= (byte) 0x80;
            assertRejected(p);
        }
    }

    @Test
    void truncatedOrExtended() {
        assertRejected(Arrays.copyOf(A3_PACKET, A3_PACKET.length - 16)); // still a multiple of 16 -> msg_key
        assertRejected(Arrays.copyOf(A3_PACKET, A3_PACKET.length - 1));
        assertRejected(Arrays.copyOf(A3_PACKET, A3_PACKET.length - 4));
        assertRejected(Arrays.copyOf(A3_PACKET, A3_PACKET.length + 16)); // extra zero block
        assertRejected(Arrays.copyOf(A3_PACKET, 71));
        assertRejected(Arrays.copyOf(A3_PACKET, 24));
        assertRejected(Arrays.copyOf(A3_PACKET, 8));
        assertRejected(Arrays.copyOf(A3_PACKET, 4));
        assertRejected(new byte[0]);
        // a correct 56-byte packet (48 - 16 plaintext is impossible; 32-byte plaintext with msg_key ok)
        assertRejected(ClientView.encrypt(KEY, new byte[32]));
        assertRejected(ClientView.encrypt(KEY, new byte[16]));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 15, 17, 20})
    void ciphertextNotMultipleOf16(int extra) {
        assertRejected(Arrays.copyOf(A3_PACKET, A3_PACKET.length + extra));
    }

    @Test
    void paddingOutOfRangeWithCorrectMsgKey() {
        assertRejected(craft(5, 5, 11));      // padding 11 (needs an odd length: 32+5+11 = 48)
        assertRejected(craft(8, 8, 8));       // padding 8, length a multiple of 4
        assertRejected(craft(12, 12, 4));     // padding 4
        assertRejected(craft(16, 16, 0));     // no padding
        assertRejected(craft(15, 15, 1025));  // padding 1025 (32+15+1025 = 1072)
        assertRejected(craft(4, 4, 1036));    // padding 1036, length a multiple of 4
        assertRejected(craft(0, 0, 1040));    // padding 1040
    }

    @Test
    void messageDataLengthFieldWrong() {
        assertRejected(craft(16, 17, 16));               // not a multiple of 4
        assertRejected(craft(16, 18, 16));
        assertRejected(craft(16, 16 + 8, 16));           // too large: padding 8
        assertRejected(craft(16, 16 + 16, 16));          // too large: padding 0
        assertRejected(craft(16, 16 + 32, 16));          // past the end
        assertRejected(craft(16, Integer.MAX_VALUE, 16));
        assertRejected(craft(16, Integer.MAX_VALUE - 3, 16));
        assertRejected(craft(16, -4, 16));               // negative
        assertRejected(craft(16, Integer.MIN_VALUE, 16));
        assertRejected(craft(16, -1040, 16));            // negative, would make padding "in range" with int overflow games
    }

    @Test
    void rejectedPlaintextIsWiped() {
        byte[] p = craft(8, 8, 8);
        assertRejected(p);
        for (int i = 24; i < p.length; i++) {
            assertEquals(0, p[i]);
        }
    }

    @Test
    void callerBugsThrow() {
        assertThrows(IndexOutOfBoundsException.class, () -> ENV.decryptInPlace(A3_PACKET.clone(), 10, A3_PACKET.length));
        assertThrows(IllegalArgumentException.class,
                () -> ENV.encrypt(1, 2, 3, 4, new byte[6], 0, 6, new SplittableRandom(1)));
        assertFalse(ENV.toString().contains("83cb"));
    }

    /** A RandomGenerator whose nextInt(bound) returns {@code choice} and whose nextLong() replays {@code bytes} (LE). */
    static final class Replay implements RandomGenerator {
        private final int choice;
        private final ByteBuffer bytes;

        Replay(int choice, byte[] bytes) {
            this.choice = choice;
            this.bytes = ByteBuffer.wrap(Arrays.copyOf(bytes, (bytes.length + 7) / 8 * 8)).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public int nextInt(int bound) {
            return choice;
        }

        @Override
        public long nextLong() {
            return bytes.getLong();
        }
    }
}
