package io.mtgate.crypto;

import java.security.MessageDigest;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Server-side decoding of req_DH_params.encrypted_data after the raw RSA private operation
 * (checklist 2.4). Both decoders return only data whose hash verified; failures are
 * {@link CryptoException}s with generic messages.
 */
public final class RsaPadding {
    private static final int M_LEN = 256;
    private static final byte[] ZERO_IV = new byte[32];

    private RsaPadding() {
    }

    /**
     * RSA_PAD: {@code m = temp_key_xor(32) || aes_encrypted(224)}; {@code temp_key = temp_key_xor ^
     * SHA256(aes_encrypted)}; {@code data_with_hash = AES-IGE-decrypt(aes_encrypted, temp_key, 0^32)};
     * returns {@code data_with_padding = reverse(data_with_hash[0..192))} after checking
     * {@code data_with_hash[192..224) == SHA256(temp_key || data_with_padding)} in constant time.
     */
    public static byte[] decodeRsaPad(byte[] m256) throws CryptoException {
        Objects.requireNonNull(m256, "m");
        if (m256.length != M_LEN) {
            throw new CryptoException("RSA_PAD: decrypted block must be 256 bytes");
        }
        MessageDigest sha256 = Sha.sha256Digest();
        sha256.update(m256, 32, 224);
        byte[] tempKey = sha256.digest();
        for (int i = 0; i < 32; i++) {
            tempKey[i] ^= m256[i];
        }
        byte[] dataWithHash = new byte[224];
        AesIge.decrypt(tempKey, ZERO_IV, m256, 32, 224, dataWithHash, 0);
        byte[] dataWithPadding = new byte[192];
        for (int i = 0; i < 192; i++) {
            dataWithPadding[i] = dataWithHash[191 - i];
        }
        sha256 = Sha.sha256Digest();
        sha256.update(tempKey);
        sha256.update(dataWithPadding);
        byte[] expected = sha256.digest();
        boolean ok = ConstantTime.equals(expected, 0, dataWithHash, 192, 32);
        java.util.Arrays.fill(tempKey, (byte) 0);
        java.util.Arrays.fill(dataWithHash, (byte) 0);
        if (!ok) {
            java.util.Arrays.fill(dataWithPadding, (byte) 0);
            throw new CryptoException("RSA_PAD: hash mismatch");
        }
        return dataWithPadding;
    }

    /**
     * Legacy scheme: {@code m = 0x00 || SHA1(data)(20) || data || random}. Requires {@code m[0] == 0},
     * asks {@code tlLength} for the length of the TL object at the start of a copy of
     * {@code m[21..256)} (-1 if unparsable), checks {@code SHA1(m[21..21+len)) == m[1..21)} in
     * constant time and returns those {@code len} bytes.
     */
    public static byte[] decodeLegacy(byte[] m256, ToIntFunction<byte[]> tlLength) throws CryptoException {
        Objects.requireNonNull(m256, "m");
        Objects.requireNonNull(tlLength, "tlLength");
        if (m256.length != M_LEN) {
            throw new CryptoException("legacy: decrypted block must be 256 bytes");
        }
        if (m256[0] != 0) {
            throw new CryptoException("legacy: leading byte is not zero");
        }
        byte[] candidate = Bytes.slice(m256, 21, M_LEN - 21);
        int len;
        try {
            len = tlLength.applyAsInt(candidate);
        } catch (RuntimeException ex) {
            len = -1;
        }
        if (len <= 0 || len > candidate.length) {
            throw new CryptoException("legacy: no TL object");
        }
        byte[] h = Sha.sha1(m256, 21, len);
        if (!ConstantTime.equals(h, 0, m256, 1, 20)) {
            throw new CryptoException("legacy: hash mismatch");
        }
        return Bytes.slice(m256, 21, len);
    }
}
