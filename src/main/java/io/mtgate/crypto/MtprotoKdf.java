package io.mtgate.crypto;

import java.security.MessageDigest;
import java.util.Objects;

/** MTProto key derivation: msg_key, the 2.0 and 1.0 AES key/IV KDFs, handshake tmp key, quick-ack. */
public final class MtprotoKdf {
    private MtprotoKdf() {
    }

    /** An AES-256-IGE key (32 bytes) and IV (32 bytes). */
    public record KeyIv(byte[] key, byte[] iv) {
        public KeyIv {
            if (key.length != 32 || iv.length != 32) {
                throw new IllegalArgumentException("key and iv must be 32 bytes");
            }
        }

        @Override
        public String toString() {
            return "KeyIv[<secret>]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeyIv k && ConstantTime.equals(key, k.key) && ConstantTime.equals(iv, k.iv);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** msg_key_large = SHA256(auth_key[88+x, 120+x) + plaintext[off, off+len)) (32 bytes). */
    public static byte[] msgKeyLarge(byte[] authKey256, int x, byte[] plaintext, int off, int len) {
        checkKey(authKey256);
        checkX(x);
        Objects.checkFromIndexSize(off, len, plaintext.length);
        MessageDigest md = Sha.sha256Digest();
        md.update(authKey256, 88 + x, 32);
        md.update(plaintext, off, len);
        return md.digest();
    }

    /** msg_key = msg_key_large[8, 24) (16 bytes). */
    public static byte[] msgKey(byte[] authKey256, int x, byte[] plaintext, int off, int len) {
        return msgKeyFromLarge(msgKeyLarge(authKey256, x, plaintext, off, len));
    }

    /** msg_key_large[8, 24). */
    public static byte[] msgKeyFromLarge(byte[] msgKeyLarge) {
        return Bytes.slice(msgKeyLarge, 8, 16);
    }

    /** MTProto 1.0 msg_key = SHA1(plaintext without padding)[4, 20) (used by auth.bindTempAuthKey). */
    public static byte[] msgKeyV1(byte[] plaintext, int off, int len) {
        return Bytes.slice(Sha.sha1(plaintext, off, len), 4, 16);
    }

    /** MTProto 2.0 KDF (x = 0 client->server, 8 server->client). */
    public static KeyIv v2(byte[] authKey256, byte[] msgKey16, int x) {
        checkKey(authKey256);
        checkMsgKey(msgKey16);
        checkX(x);
        MessageDigest md = Sha.sha256Digest();
        md.update(msgKey16);
        md.update(authKey256, x, 36);
        byte[] a = md.digest();
        md.update(authKey256, 40 + x, 36);
        md.update(msgKey16);
        byte[] b = md.digest();
        byte[] key = new byte[32];
        byte[] iv = new byte[32];
        System.arraycopy(a, 0, key, 0, 8);
        System.arraycopy(b, 8, key, 8, 16);
        System.arraycopy(a, 24, key, 24, 8);
        System.arraycopy(b, 0, iv, 0, 8);
        System.arraycopy(a, 8, iv, 8, 16);
        System.arraycopy(b, 24, iv, 24, 8);
        return new KeyIv(key, iv);
    }

    /** MTProto 1.0 KDF (SHA1-based), needed for the inner message of auth.bindTempAuthKey. */
    public static KeyIv v1(byte[] authKey256, byte[] msgKey16, int x) {
        checkKey(authKey256);
        checkMsgKey(msgKey16);
        checkX(x);
        MessageDigest md = Sha.sha1Digest();
        md.update(msgKey16);
        md.update(authKey256, x, 32);
        byte[] a = md.digest();
        md.update(authKey256, 32 + x, 16);
        md.update(msgKey16);
        md.update(authKey256, 48 + x, 16);
        byte[] b = md.digest();
        md.update(authKey256, 64 + x, 32);
        md.update(msgKey16);
        byte[] c = md.digest();
        md.update(msgKey16);
        md.update(authKey256, 96 + x, 32);
        byte[] d = md.digest();
        byte[] key = new byte[32];
        byte[] iv = new byte[32];
        System.arraycopy(a, 0, key, 0, 8);
        System.arraycopy(b, 8, key, 8, 12);
        System.arraycopy(c, 4, key, 20, 12);
        System.arraycopy(a, 8, iv, 0, 12);
        System.arraycopy(b, 0, iv, 12, 8);
        System.arraycopy(c, 16, iv, 20, 4);
        System.arraycopy(d, 0, iv, 24, 8);
        return new KeyIv(key, iv);
    }

    /**
     * Handshake temporary key: tmp_aes_key = SHA1(nn + sn) + SHA1(sn + nn)[0, 12);
     * tmp_aes_iv = SHA1(sn + nn)[12, 20) + SHA1(nn + nn) + nn[0, 4). Nonces at full width.
     */
    public static KeyIv tmpAes(byte[] newNonce32, byte[] serverNonce16) {
        if (newNonce32.length != 32) {
            throw new IllegalArgumentException("new_nonce must be 32 bytes, got " + newNonce32.length);
        }
        if (serverNonce16.length != 16) {
            throw new IllegalArgumentException("server_nonce must be 16 bytes, got " + serverNonce16.length);
        }
        byte[] h1 = Sha.sha1(newNonce32, serverNonce16);
        byte[] h2 = Sha.sha1(serverNonce16, newNonce32);
        byte[] h3 = Sha.sha1(newNonce32, newNonce32);
        byte[] key = new byte[32];
        byte[] iv = new byte[32];
        System.arraycopy(h1, 0, key, 0, 20);
        System.arraycopy(h2, 0, key, 20, 12);
        System.arraycopy(h2, 12, iv, 0, 8);
        System.arraycopy(h3, 0, iv, 8, 20);
        System.arraycopy(newNonce32, 0, iv, 28, 4);
        return new KeyIv(key, iv);
    }

    /** Quick-ACK token: LE uint32 of msg_key_large[0, 4) with the top bit set. */
    public static int quickAckToken(byte[] msgKeyLarge) {
        if (msgKeyLarge.length < 4) {
            throw new IllegalArgumentException("msg_key_large too short");
        }
        return Bytes.readIntLE(msgKeyLarge, 0) | 0x80000000;
    }

    private static void checkKey(byte[] k) {
        if (k.length != AuthKey.LENGTH) {
            throw new IllegalArgumentException("auth_key must be 256 bytes, got " + k.length);
        }
    }

    private static void checkMsgKey(byte[] k) {
        if (k.length != 16) {
            throw new IllegalArgumentException("msg_key must be 16 bytes, got " + k.length);
        }
    }

    private static void checkX(int x) {
        if (x != 0 && x != 8) {
            throw new IllegalArgumentException("x must be 0 or 8, got " + x);
        }
    }
}
