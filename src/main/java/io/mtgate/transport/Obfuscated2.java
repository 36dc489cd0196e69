package io.mtgate.transport;

import io.mtgate.crypto.AesCtr;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * Server side of the obfuscated2 header (checklist 1.8, vector A.12), free of Netty.
 *
 * <p>Policy for plain keys and MTProxy secrets: the plain keys (no secret) are always tried first;
 * each configured secret is tried, in order, only when the tag did not validate under the keys
 * before it. A wrong key yields a valid tag with probability about 3 / 2^32, so the order does not
 * let one client pass as another in practice. Plain obfuscated2 cannot be switched off here: a
 * direct Telegram-style server accepts it, and without a secret-only mode there is no reason to.
 */
public final class Obfuscated2 {
    public static final int HEADER_BYTES = 64;
    public static final int TAG_ABRIDGED = 0xefefefef;
    public static final int TAG_INTERMEDIATE = 0xeeeeeeee;
    public static final int TAG_PADDED = 0xdddddddd;

    /** Key and IV for one direction. */
    public record Keys(byte[] key, byte[] iv) {
        public AesCtr cipher() {
            return new AesCtr(key, iv);
        }
    }

    /**
     * The outcome of a valid header.
     *
     * @param decrypt     server inbound stream, already advanced past the 64 header bytes
     * @param encrypt     server outbound stream at offset 0
     * @param secretIndex index into the secrets list, or -1 for plain keys
     */
    public record Accepted(TransportKind kind, int dcId, int secretIndex, AesCtr decrypt, AesCtr encrypt) {
    }

    private Obfuscated2() {
    }

    /** Server decrypt keys (= client encrypt): key {@code H[8..40]}, iv {@code H[40..56]}. */
    public static Keys decryptKeys(byte[] header, byte[] secret) {
        return keys(Arrays.copyOfRange(header, 8, 40), Arrays.copyOfRange(header, 40, 56), secret);
    }

    /** Server encrypt keys (= client decrypt): {@code H[8..56]} reversed, key first 32, iv next 16. */
    public static Keys encryptKeys(byte[] header, byte[] secret) {
        byte[] reversed = new byte[48];
        for (int i = 0; i < 48; i++) {
            reversed[i] = header[55 - i];
        }
        return keys(Arrays.copyOfRange(reversed, 0, 32), Arrays.copyOfRange(reversed, 32, 48), secret);
    }

    private static Keys keys(byte[] key, byte[] iv, byte[] secret) {
        if (secret == null) {
            return new Keys(key, iv);
        }
        MessageDigest sha256 = sha256();
        sha256.update(key);
        sha256.update(secret);
        return new Keys(sha256.digest(), iv);
    }

    /**
     * Tries the plain keys, then each secret. Returns {@code null} if no key yields a valid tag.
     *
     * @param header exactly 64 bytes as received (not modified)
     */
    public static Accepted accept(byte[] header, List<byte[]> secrets) {
        if (header.length != HEADER_BYTES) {
            throw new IllegalArgumentException("obfuscated2 header is 64 bytes");
        }
        byte[] decrypted = new byte[HEADER_BYTES];
        for (int i = -1; i < secrets.size(); i++) {
            byte[] secret = i < 0 ? null : secrets.get(i);
            AesCtr decrypt = decryptKeys(header, secret).cipher();
            decrypt.update(header, 0, HEADER_BYTES, decrypted, 0);
            TransportKind kind = kindOfTag(intLE(decrypted, 56));
            if (kind != null) {
                int dc = (short) ((decrypted[60] & 0xff) | (decrypted[61] & 0xff) << 8);
                return new Accepted(kind, dc, i, decrypt, encryptKeys(header, secret).cipher());
            }
        }
        return null;
    }

    static TransportKind kindOfTag(int tag) {
        return switch (tag) {
            case TAG_ABRIDGED -> TransportKind.ABRIDGED;
            case TAG_INTERMEDIATE -> TransportKind.INTERMEDIATE;
            case TAG_PADDED -> TransportKind.PADDED_INTERMEDIATE;
            default -> null;
        };
    }

    private static int intLE(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
