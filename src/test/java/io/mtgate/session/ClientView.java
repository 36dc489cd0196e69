package io.mtgate.session;

import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.ConstantTime;
import io.mtgate.crypto.MtprotoKdf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The client's side of the envelope, written independently of {@link EncryptedEnvelope} for the
 * tests: a client encrypts with x = 0 and decrypts server packets with x = 8. No length checks:
 * it can build any plaintext (invalid ones included) with a correct msg_key.
 */
public final class ClientView {
    private ClientView() {
    }

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** auth_key_id | msg_key | IGE(plaintext), with msg_key over the plaintext (length % 16 == 0), x = 0. */
    public static byte[] encrypt(AuthKey key, byte[] plaintext) {
        return encrypt(key, plaintext, 0);
    }

    public static byte[] encrypt(AuthKey key, byte[] plaintext, int x) {
        byte[] k = key.bytes();
        byte[] msgKey = MtprotoKdf.msgKey(k, x, plaintext, 0, plaintext.length);
        MtprotoKdf.KeyIv kv = MtprotoKdf.v2(k, msgKey, x);
        byte[] ct = AesIge.encrypt(kv.key(), kv.iv(), plaintext);
        return ByteBuffer.allocate(24 + ct.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(key.id().value()).put(msgKey).put(ct).array();
    }

    /** Decrypts a server packet (x = 8), checks auth_key_id and msg_key; returns the whole plaintext. */
    public static byte[] decryptFromServer(AuthKey key, byte[] packet) {
        byte[] k = key.bytes();
        long id = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (id != key.id().value()) {
            throw new AssertionError("auth_key_id");
        }
        byte[] msgKey = Arrays.copyOfRange(packet, 8, 24);
        MtprotoKdf.KeyIv kv = MtprotoKdf.v2(k, msgKey, 8);
        byte[] plain = AesIge.decrypt(kv.key(), kv.iv(), Arrays.copyOfRange(packet, 24, packet.length));
        if (!ConstantTime.equals(msgKey, MtprotoKdf.msgKey(k, 8, plain, 0, plain.length))) {
            throw new AssertionError("msg_key");
        }
        return plain;
    }

    /** The 32-byte inner header followed by body and padding. */
    public static byte[] plaintext(long salt, long sessionId, long msgId, int seqno, int dataLength, byte[] body,
            byte[] padding) {
        return ByteBuffer.allocate(32 + body.length + padding.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(salt).putLong(sessionId).putLong(msgId).putInt(seqno).putInt(dataLength)
                .put(body).put(padding).array();
    }
}
