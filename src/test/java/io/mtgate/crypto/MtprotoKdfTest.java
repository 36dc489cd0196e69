package io.mtgate.crypto;

import static io.mtgate.crypto.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MtprotoKdfTest {
    static final byte[] KEY_SEQ = Hex.seq(0, 256);
    static final byte[] MSG_KEY_SEQ = Hex.seq(0, 16);

    /** A.1 */
    @Test
    void v2KdfVectors() {
        MtprotoKdf.KeyIv k0 = MtprotoKdf.v2(KEY_SEQ, MSG_KEY_SEQ, 0);
        assertEquals("704ed09c8b41668ae8f99d244738f71dbddc44469b6bbd4aa8573dd042bd059e", hex(k0.key()));
        assertEquals("4d266000a550edabbf4c7ce40fd0043cc92230184cd317a5cc9c2482fd3b9318", hex(k0.iv()));
        MtprotoKdf.KeyIv k8 = MtprotoKdf.v2(KEY_SEQ, MSG_KEY_SEQ, 8);
        assertEquals("217725799b245806458174a1fcfbc883906807b15033fdd0ea2b4d69cf9c364e", hex(k8.key()));
        assertEquals("669a6538917a4fa56ca32360a431c9160be4ad887140980dab91ce7bdc47ffbc", hex(k8.iv()));
    }

    /** A.2 encrypt (x = 0) and A.3 first bullet (quick-ack token of that message). */
    @Test
    void telethonEncryptVector() {
        byte[] text = "Hello, world! This data should remain secure!".getBytes(StandardCharsets.US_ASCII);
        assertEquals(45, text.length);
        byte[] plain = Arrays.copyOf(text, 64); // 19 zero padding bytes
        byte[] large = MtprotoKdf.msgKeyLarge(KEY_SEQ, 0, plain, 0, plain.length);
        assertEquals("021d57cdcecd9b33a81729d46db54019a2bfd7f744f9b96c8d744ce4734566db", hex(large));
        byte[] msgKey = MtprotoKdf.msgKey(KEY_SEQ, 0, plain, 0, plain.length);
        assertArrayEquals(Hex.slice(large, 8, 16), msgKey);
        MtprotoKdf.KeyIv kiv = MtprotoKdf.v2(KEY_SEQ, msgKey, 0);
        byte[] cipher = AesIge.encrypt(kiv.key(), kiv.iv(), plain);
        AuthKey ak = new AuthKey(KEY_SEQ);
        byte[] idBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(ak.id().value()).array();
        String packet = hex(idBytes) + hex(msgKey) + hex(cipher);
        assertEquals(("32d1586ea457dfc8a81729d46db54019a2bfd7f744f9b96c4f716cfdc4477db2"
                + "a2c15f6ddb85235fb9552f1d8407c6aaea00cc844c5a1bf6ac44b79b5edc2a23"
                + "868b3d6073a590992c0f2975243d563ea180d218ee757c9a"), packet);
        // A.3: token = LE32(msg_key_large[0..4)) | 0x80000000
        assertEquals(0xcd571d02, MtprotoKdf.quickAckToken(large));
    }

    /** A.2 decrypt: a genuine server->client packet (x = 8). */
    @Test
    void telethonDecryptVector() {
        byte[] authKey = hex("""
                5d2e7d65f49ec28bd029a88761ea27b8a4c79f12226525443e7d7c596ef33035
                30db2107e89aa997c7a0164ab694187adeff156bd6ef7118a1962347753c0e7e
                89a0354b8ec364f9997e71bc6923fb86e8e43491e010606a6ce845e2fa019409
                77ef0aa32adf5a97dbf6d428ec0434d717a2d3ad19622cc05887642113c7965f
                fb862a3e3ccb0ab95addda57f89245dbd76b492348f8e94bd5a7c0e0b8480852
                3cfd1ea80b32fe9ad198bc2e103fceb7d52492ecc0273a28674bc923eee59265
                ab17a002df1f4aa2c59b819a5e5e1d105ec117336f5c76c6b187037d4b4270ce
                e9cc21071d97e9bca220c6d7b01b998cf2e5cdb9a50ecda1852a36e635690c8e""");
        byte[] packet = hex("""
                7a7183c2c10e4f4df945fa9a9abd35e7c3840b61f045304f39674c19c0e20978
                4f50f6226a073529d675c92cbf0bfa8c99a79b3f39c72a5d9a026d431ab7407c
                a04ecc55187d6c45f17871524edd90cea02ed728e14d7cb18aea2a636158f094
                59a9437710d894c79f368c4e8164b7647ea98612aefe942c5d92121acb8db02d
                ccceb66d0f8720ac12a06db0582bfd955be34f365118e3bab8cd080ce6b45b28
                eac56dcd2a29374e""");
        byte[] expected = hex("""
                fc826a02248b28fd60f2c4822443ad6801f0c1c2918b305e0200000058000000
                dcf8f1730200000001a8c1c2918b305e010000001c0000000809c29ec4fd33ad
                918b305e18a88ea607ee5816fc826a02248b28fd01ccc1c2918b305e02000000
                14000000c5737734c4fd33ad918b305e6408300000000000fce66704a3cd8ee9
                d0ae6fab672c60c04a3f1fd4490e51f6""");
        AuthKey ak = new AuthKey(authKey);
        long idOnWire = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(ak.id().value(), idOnWire);
        byte[] msgKey = Hex.slice(packet, 8, 16);
        MtprotoKdf.KeyIv kiv = ak.kdf(msgKey, 8);
        byte[] plain = new byte[packet.length - 24];
        AesIge.decrypt(kiv.key(), kiv.iv(), packet, 24, plain.length, plain, 0);
        assertArrayEquals(expected, plain);
        // the msg_key the receiver recomputes (x = 8 for server->client) matches, constant-time compare
        byte[] recomputed = MtprotoKdf.msgKey(authKey, 8, plain, 0, plain.length);
        assertTrue(ConstantTime.equals(recomputed, 0, packet, 8, 16));
        // and with the wrong direction it does not
        assertFalse(ConstantTime.equals(MtprotoKdf.msgKey(authKey, 0, plain, 0, plain.length), msgKey));
        // server side: re-encrypting the plaintext reproduces the ciphertext
        byte[] again = AesIge.encrypt(kiv.key(), kiv.iv(), plain);
        assertArrayEquals(Hex.slice(packet, 24, plain.length), again);
    }

    static final byte[] A9_AUTH_KEY = hex("""
            83cbd31c0303361ff1c29437a77cba749c84f28a118646038c7edd29ef718a1f
            6a493047d476a6e678d97a4a5cc7990cea552d68e109869e5bfc86570049cd8f
            2eb4ba10b6c4123fb8a977774b4c5185b5c96af7bd7a71db78e6e6148ced2048
            869a21b8ed7fba7f6f2e7722bfa28447ab84a245cb0e6d01261191b753191e74
            4dcfda522d50167832ee4d5ee90aaa6f31821248f0f06bf5692ef604cfc4316c
            ede078f71e17bcebbe388589e6707af5ba26e8dd063bb116c4b4e7bef3b462c3
            350d0376d42f95d353e46be4c378d2a60141a2339641f8b712eb3ecfb42b7f26
            f69e9bb15373e0ac4be266e1681859ddaab8cd7d877bb847d2a8bd068a784943""");

    /** A.3 complete client->server message with the A.9 auth key: encrypt and server-side decrypt. */
    @Test
    void derivedClientMessage() {
        byte[] plain = hex("""
                a658f6f8e4c40d89010203040506070804000000ece57767000000000c000000
                ec77be7a8877665544332211abababababababababababababababababababab""");
        byte[] packet = hex("""
                0438720625f291f6935286a510ce70b69f7e9b7426aa839ee2d815ce34983fb2
                11c9a86b07cd6db9862961d1c6b3b5afbfe1265a5a1c5af7dd8e1815acd46a9c
                ed16b20a1185ed6db8ebae9c503da97e73574bbb9cec89c2""");
        byte[] large = MtprotoKdf.msgKeyLarge(A9_AUTH_KEY, 0, plain, 0, plain.length);
        assertEquals("2eac25a5355341b9935286a510ce70b69f7e9b7426aa839e108b20e327ab27f5", hex(large));
        byte[] msgKey = MtprotoKdf.msgKeyFromLarge(large);
        assertEquals("935286a510ce70b69f7e9b7426aa839e", hex(msgKey));
        MtprotoKdf.KeyIv kiv = MtprotoKdf.v2(A9_AUTH_KEY, msgKey, 0);
        assertEquals("3ea894ce55573ace4172c7086e143c6e0e9917b8f76f599db6fb30e824cb2aaa", hex(kiv.key()));
        assertEquals("054a1962a01b69fb57bf9c0e6cd9cb8fdde0dacc5a88d0bc9b1a8737287e1956", hex(kiv.iv()));
        assertEquals(0xa525ac2e, MtprotoKdf.quickAckToken(large));
        assertArrayEquals(Hex.slice(packet, 24, 64), AesIge.encrypt(kiv.key(), kiv.iv(), plain));
        assertEquals("0438720625f291f6", hex(Hex.slice(packet, 0, 8)));
        // server receive: decrypt in place inside the packet buffer, recompute msg_key over all of it
        byte[] buf = packet.clone();
        MtprotoKdf.KeyIv rk = MtprotoKdf.v2(A9_AUTH_KEY, Hex.slice(buf, 8, 16), 0);
        AesIge.decrypt(rk.key(), rk.iv(), buf, 24, 64, buf, 24);
        assertArrayEquals(plain, Hex.slice(buf, 24, 64));
        assertTrue(ConstantTime.equals(MtprotoKdf.msgKey(A9_AUTH_KEY, 0, buf, 24, 64), 0, buf, 8, 16));
    }

    /** A.6 all three rows. */
    @Test
    void tmpAesVectors() {
        String[][] rows = {
            {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "000102030405060708090a0b0c0d0e0f",
                "0758f1533b615d24f6e8a94a6fcbee0a55eaab2217d7295ca9213d1a2d7d16a6",
                "5a84108e9805656ce864070e166e6218f6783e8511471a5ab7802cf200010203"},
            {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "002122232425262728292a2b2c2d2e2f",
                "0a2d0f607499a866848e41798a34315e4922c39fe55c6caf5bc322c4b8c08c6a",
                "9cb702d4fd6e5d25e864070e166e6218f6783e8511471a5ab7802cf200010203"},
            {"311c85db234aa2640afc4a76a735cf5b1f0fd68bd17fa181e1229ad867cc024d", "a5cf4d33f4a11ea877ba4aa573907330",
                "f011280887c7bb01df0fc4e17830e0b91fbb8be4b2267cb985ae25f33b527253",
                "3212d579ee35452ed23e0d0c92841aa7d31b2e9bdef2151e80d15860311c85db"},
        };
        for (String[] r : rows) {
            MtprotoKdf.KeyIv k = MtprotoKdf.tmpAes(hex(r[0]), hex(r[1]));
            assertEquals(r[2], hex(k.key()));
            assertEquals(r[3], hex(k.iv()));
        }
        assertThrows(IllegalArgumentException.class, () -> MtprotoKdf.tmpAes(new byte[31], new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> MtprotoKdf.tmpAes(new byte[32], new byte[15]));
    }

    /** A.13 v1 KDF and msg_key v1. */
    @Test
    void v1KdfVector() {
        MtprotoKdf.KeyIv k = MtprotoKdf.v1(KEY_SEQ, MSG_KEY_SEQ, 0);
        assertEquals("17d7295ca9213d1ab656acdb1ad48b2ea7f3a8f7095098d5508b900bbd5fccfc", hex(k.key()));
        assertEquals("2d7d16a65a84108e9805656caa474501cc580aa2edc33abfd0bfad785464d1c6", hex(k.iv()));
        byte[] p = "bind-message-test-payload".getBytes(StandardCharsets.US_ASCII);
        assertEquals("fc11a3669566de22b87f66550dc3de6d", hex(MtprotoKdf.msgKeyV1(p, 0, p.length)));
    }

    /** A.13 derived bindTempAuthKey inner message: build it, and verify/decrypt it as the server. */
    @Test
    void bindTempAuthKeyMessage() {
        byte[] perm = new byte[256];
        for (int i = 0; i < 256; i++) {
            perm[i] = (byte) (255 - i);
        }
        AuthKey permKey = new AuthKey(perm);
        byte[] plain = hex("""
                cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd04000000ebe577670000000028000000
                65f7a3750706050403020100776655443322110096d1b10e8f724a1370605040
                3020100080857467""");
        assertEquals(72, plain.length);
        byte[] expectedMsg = hex("""
                96d1b10e8f724a130e8566a0878be4b5982a567d80f3a36f7bd8cb19f632b59a
                7c556f60c8faed75aeba0c65365c9a99dbcf09e07ac09e5f37ea6d4cf8ddfdac
                32b9d290f1ae0d652d904f63534251403950f8a5d59ffde76cf0ae62ae9f21e0
                3a6765b3deee1ceb""");
        byte[] permIdBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(permKey.id().value()).array();
        assertEquals("96d1b10e8f724a13", hex(permIdBytes));
        byte[] msgKey = MtprotoKdf.msgKeyV1(plain, 0, plain.length);
        assertEquals("0e8566a0878be4b5982a567d80f3a36f", hex(msgKey));
        MtprotoKdf.KeyIv k = MtprotoKdf.v1(perm, msgKey, 0);
        assertEquals("3fdc91a05d5f8b0f241c08d654d362eacdec202b8edec27440a224d95d6cc91c", hex(k.key()));
        assertEquals("16e4df95dca3db4ea8a77dd806aafbf1bc9151baca5e8c8f4482ed96033dfaf6", hex(k.iv()));
        byte[] padded = Arrays.copyOf(plain, 80);
        Arrays.fill(padded, 72, 80, (byte) 0xCD);
        byte[] enc = AesIge.encrypt(k.key(), k.iv(), padded);
        assertEquals(hex(expectedMsg), hex(permIdBytes) + hex(msgKey) + hex(enc));

        // server side: decrypt, delimit by msg_len (40) + 32 header, recompute msg_key constant-time
        byte[] dec = AesIge.decrypt(MtprotoKdf.v1(perm, Hex.slice(expectedMsg, 8, 16), 0).key(),
                MtprotoKdf.v1(perm, Hex.slice(expectedMsg, 8, 16), 0).iv(),
                Hex.slice(expectedMsg, 24, expectedMsg.length - 24));
        int msgLen = ByteBuffer.wrap(dec).order(ByteOrder.LITTLE_ENDIAN).getInt(28);
        assertEquals(40, msgLen);
        assertTrue(ConstantTime.equals(MtprotoKdf.msgKeyV1(dec, 0, 32 + msgLen), 0, expectedMsg, 8, 16));
        assertEquals(0x75a3f765, ByteBuffer.wrap(dec).order(ByteOrder.LITTLE_ENDIAN).getInt(32));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> MtprotoKdf.v2(new byte[255], MSG_KEY_SEQ, 0));
        assertThrows(IllegalArgumentException.class, () -> MtprotoKdf.v2(KEY_SEQ, new byte[15], 0));
        assertThrows(IllegalArgumentException.class, () -> MtprotoKdf.v2(KEY_SEQ, MSG_KEY_SEQ, 4));
        assertThrows(IllegalArgumentException.class, () -> MtprotoKdf.v1(KEY_SEQ, MSG_KEY_SEQ, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> MtprotoKdf.msgKeyLarge(KEY_SEQ, 0, new byte[10], 5, 6));
        assertEquals("KeyIv[<secret>]", MtprotoKdf.v2(KEY_SEQ, MSG_KEY_SEQ, 0).toString());
    }
}
