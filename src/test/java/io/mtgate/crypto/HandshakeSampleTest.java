package io.mtgate.crypto;

import static io.mtgate.crypto.HandshakeVectors.*;
import static io.mtgate.crypto.Hex.hex;
import static io.mtgate.crypto.Hex.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Replays the official handshake sample (A.9) and the Telethon test-DC transcript (A.10) from the
 * server's side, as far as the published values allow (the RSA step needs Telegram's private key).
 */
class HandshakeSampleTest {
    static int intLE(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }

    static long longLE(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
    }

    /** Reads a TL string header at off that must be the long form (0xFE + 3-byte length). */
    static int longStringLen(byte[] b, int off) {
        assertEquals(0xFE, b[off] & 0xFF);
        return (b[off + 1] & 0xFF) | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF) << 16;
    }

    @Test
    void officialSampleServerSide() {
        byte[] nonce = hex("79f0afb50252e5fc96924bfcecda4f05");
        byte[] serverNonce = hex("801775a3efbfd2701aa28ad727be4646");
        byte[] newNonce = hex("264f835b0b7bdff9c6ed6cf819fd6df5dcd17e90d67add2c2c1e3775c7a6a0ac");

        // resPQ: pq = 1372318559046200203 = 1141464581 * 1202243663, fingerprint 85fd64de851d9dd0
        Pq pq = new Pq(1141464581L, 1202243663L);
        assertEquals(1372318559046200203L, pq.pq());
        assertEquals("130b7475669feb8b", hex(pq.pqBytes()));
        assertEquals("08" + hex(pq.pqBytes()), hex(slice(A9_RES_PQ, 56, 9)));
        assertEquals(0x1cb5c415, intLE(A9_RES_PQ, 68));
        assertEquals("85fd64de851d9dd0", hex(slice(A9_RES_PQ, 76, 8)));
        // the p and q strings in req_DH_params / p_q_inner_data are the 4-byte big-endian forms
        assertEquals("04" + hex(pq.pBytes()) + "000000" + "04" + hex(pq.qBytes()) + "000000",
                hex(slice(A9_REQ_DH_PARAMS, 56, 16)));

        // step 6: tmp key/iv and the encrypted answer
        MtprotoKdf.KeyIv tmp = MtprotoKdf.tmpAes(newNonce, serverNonce);
        assertEquals("e68ca5aba101ffca0adda66303a57affaa2712fb16a7b8dafc72c25e8a73a368", hex(tmp.key()));
        assertEquals("0a355d4431b9ddd91a51eff3f7d340d64f0390c53f91dc53c331d43c264f835b", hex(tmp.iv()));
        int body = 20;
        assertEquals(0xd0e8075c, intLE(A9_SERVER_DH_PARAMS_OK, body));
        assertArrayEquals(nonce, slice(A9_SERVER_DH_PARAMS_OK, body + 4, 16));
        assertArrayEquals(serverNonce, slice(A9_SERVER_DH_PARAMS_OK, body + 20, 16));
        int encLen = longStringLen(A9_SERVER_DH_PARAMS_OK, body + 36);
        assertEquals(592, encLen);
        byte[] encryptedAnswer = slice(A9_SERVER_DH_PARAMS_OK, body + 40, encLen);
        // the server produces encrypted_answer from answer_with_hash ...
        assertArrayEquals(encryptedAnswer, AesIge.encrypt(tmp.key(), tmp.iv(), A9_ANSWER_WITH_HASH));
        // ... and the client's view decrypts back
        byte[] answerWithHash = AesIge.decrypt(tmp.key(), tmp.iv(), encryptedAnswer);
        assertArrayEquals(A9_ANSWER_WITH_HASH, answerWithHash);
        int answerLen = 4 + 16 + 16 + 4 + (4 + 256) + (4 + 256) + 4;
        int pad = answerWithHash.length - 20 - answerLen;
        assertTrue(pad >= 0 && pad < 16, "padding " + pad);
        assertTrue(ConstantTime.equals(Sha.sha1(answerWithHash, 20, answerLen), 0, answerWithHash, 0, 20));
        byte[] answer = slice(answerWithHash, 20, answerLen);
        assertEquals(0xb5890dba, intLE(answer, 0));
        assertArrayEquals(nonce, slice(answer, 4, 16));
        assertArrayEquals(serverNonce, slice(answer, 20, 16));
        assertEquals(Dh.G, intLE(answer, 36));
        assertEquals(256, longStringLen(answer, 40));
        assertArrayEquals(Dh.primeBytes(), slice(answer, 44, 256));
        assertEquals(256, longStringLen(answer, 300));
        byte[] gA = slice(answer, 304, 256);
        assertArrayEquals(A9_G_A, gA);
        assertEquals(0x6777E5EB, intLE(answer, 560));
        assertTrue(Dh.isValidPublic(Dh.fromUnsignedBytes(gA)));

        // client's side, needed to check the sample: g_b = 3^b mod p
        BigInteger b = Dh.fromUnsignedBytes(A9_B);
        BigInteger gB = BigInteger.valueOf(3).modPow(b, Dh.PRIME);
        assertArrayEquals(A9_G_B, Dh.toBytes(gB, 256));

        // step 7: set_client_DH_params decrypts with the tmp key to SHA1 + client_DH_inner_data + pad
        assertEquals(0xf5045f1f, intLE(A9_SET_CLIENT_DH_PARAMS, body));
        assertArrayEquals(nonce, slice(A9_SET_CLIENT_DH_PARAMS, body + 4, 16));
        int cLen = longStringLen(A9_SET_CLIENT_DH_PARAMS, body + 36);
        assertEquals(0, cLen % 16);
        byte[] dec = AesIge.decrypt(tmp.key(), tmp.iv(), slice(A9_SET_CLIENT_DH_PARAMS, body + 40, cLen));
        int innerLen = 4 + 16 + 16 + 8 + 4 + 256;
        assertEquals(304, innerLen);
        assertTrue(cLen - 20 - innerLen < 16);
        assertTrue(ConstantTime.equals(Sha.sha1(dec, 20, innerLen), 0, dec, 0, 20));
        byte[] inner = slice(dec, 20, innerLen);
        assertArrayEquals(A9_CLIENT_DH_INNER_DATA, inner);
        assertEquals("8347525eb8b63de9ce3a1fcc", hex(slice(dec, 20 + innerLen, cLen - 20 - innerLen)));
        assertEquals(0x6643b654, intLE(inner, 0));
        assertEquals(0L, longLE(inner, 36)); // retry_id
        BigInteger clientGB = Dh.fromUnsignedBytes(slice(inner, 48, 256));
        assertEquals(gB, clientGB);
        assertTrue(Dh.isValidPublic(clientGB));

        // step 8: auth_key (DH is symmetric: g_a^b == g_b^a; the sample publishes b, not a)
        byte[] authKey = Dh.computeAuthKey(b, Dh.fromUnsignedBytes(gA));
        assertArrayEquals(A9_AUTH_KEY, authKey);
        AuthKey ak = new AuthKey(authKey);
        // step 9: dh_gen_ok carries new_nonce_hash1
        assertEquals(0x3bcbf734, intLE(A9_DH_GEN_OK, body));
        assertArrayEquals(slice(A9_DH_GEN_OK, body + 36, 16), ak.newNonceHash(newNonce, 1));
        assertFalse(ConstantTime.equals(slice(A9_DH_GEN_OK, body + 36, 16), ak.newNonceHash(newNonce, 2)));
        // initial salt = new_nonce[0..8) xor server_nonce[0..8)
        byte[] salt = new byte[8];
        for (int i = 0; i < 8; i++) {
            salt[i] = (byte) (newNonce[i] ^ serverNonce[i]);
        }
        assertEquals("a658f6f8e4c40d89", hex(salt));
        assertEquals(-8570978028107704154L, longLE(salt, 0));
    }

    @Test
    void telethonTestDcTranscriptServerSide() {
        byte[] nonce = hex("4e44b426241e8b839153122d44585ac6");
        byte[] serverNonce = slice(A10_STEP1_RESPONSE, 20, 16);
        assertEquals("65ba0b393e1094329eda2c42d6283303", hex(serverNonce));
        byte[] newNonce = slice(A10_STEP2_RANDOM, 0, 32);
        MtprotoKdf.KeyIv tmp = MtprotoKdf.tmpAes(newNonce, serverNonce);
        assertEquals("1dd9c8a08b737e0d5c389f97fa2953b5b208a1eb0ed2d6520ed6e6534d866361", hex(tmp.key()));
        assertEquals("c8142490c882b7dfa48a3fca82578adeca57fad48905d8a3035532aeb9dce68b", hex(tmp.iv()));

        // server_DH_params_ok from the real test DC
        assertEquals(0xd0e8075c, intLE(A10_STEP2_RESPONSE, 0));
        int encLen = longStringLen(A10_STEP2_RESPONSE, 36);
        byte[] answerWithHash = AesIge.decrypt(tmp.key(), tmp.iv(), slice(A10_STEP2_RESPONSE, 40, encLen));
        int answerLen = 4 + 16 + 16 + 4 + (4 + 256) + (4 + 256) + 4;
        assertTrue(ConstantTime.equals(Sha.sha1(answerWithHash, 20, answerLen), 0, answerWithHash, 0, 20));
        assertTrue(encLen - 20 - answerLen < 16);
        byte[] answer = slice(answerWithHash, 20, answerLen);
        assertArrayEquals(nonce, slice(answer, 4, 16));
        assertEquals(3, intLE(answer, 36));
        assertArrayEquals(Dh.primeBytes(), slice(answer, 44, 256));
        BigInteger gA = Dh.fromUnsignedBytes(slice(answer, 304, 256));
        assertTrue(Dh.isValidPublic(gA));
        // the real server's encrypted answer re-encrypts bit-exactly with our IGE
        assertArrayEquals(slice(A10_STEP2_RESPONSE, 40, encLen), AesIge.encrypt(tmp.key(), tmp.iv(), answerWithHash));

        // set_client_DH_params from the client
        int cLen = longStringLen(A10_STEP3_REQUEST, 36);
        byte[] dec = AesIge.decrypt(tmp.key(), tmp.iv(), slice(A10_STEP3_REQUEST, 40, cLen));
        int innerLen = 304;
        assertTrue(ConstantTime.equals(Sha.sha1(dec, 20, innerLen), 0, dec, 0, 20));
        assertEquals(0x6643b654, intLE(dec, 20));
        BigInteger b = Dh.fromUnsignedBytes(slice(A10_STEP3_RANDOM, 0, 256));
        BigInteger gB = Dh.fromUnsignedBytes(slice(dec, 20 + 48, 256));
        assertEquals(BigInteger.valueOf(3).modPow(b, Dh.PRIME), gB);

        byte[] authKey = Dh.computeAuthKey(b, gA);
        assertArrayEquals(A10_AUTH_KEY, authKey);
        AuthKey ak = new AuthKey(authKey);
        assertEquals("9cfd4a95546f4614", AuthKeyTest.le(ak.id().value()));
        assertEquals(0x3bcbf734, intLE(A10_STEP3_RESPONSE, 0));
        assertArrayEquals(slice(A10_STEP3_RESPONSE, 36, 16), ak.newNonceHash(newNonce, 1));
        long salt = longLE(newNonce, 0) ^ longLE(serverNonce, 0);
        assertEquals(4459407212920268508L, salt);
    }
}
