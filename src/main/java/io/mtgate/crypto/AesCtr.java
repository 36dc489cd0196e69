package io.mtgate.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stateful AES-256-CTR keystream for <em>one direction of one connection</em> (obfuscated2,
 * checklist 1.8). The 128-bit counter block starts at {@code iv} and is incremented big-endian;
 * every call continues the keystream where the previous one stopped, also in the middle of a
 * block, so a byte stream may be processed in arbitrary pieces.
 *
 * <p>Encryption and decryption are the same operation. Not thread-safe: use it from the channel's
 * event loop only.
 */
public final class AesCtr {
    public static final int KEY_BYTES = 32;
    public static final int IV_BYTES = 16;

    private final Cipher cipher;

    /** @param key 32 bytes, @param iv 16 bytes (initial counter block); both are copied. */
    public AesCtr(byte[] key, byte[] iv) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(iv, "iv");
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("AES-256-CTR key must be 32 bytes, got " + key.length);
        }
        if (iv.length != IV_BYTES) {
            throw new IllegalArgumentException("AES-CTR iv must be 16 bytes, got " + iv.length);
        }
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv.clone()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR/NoPadding unavailable", e);
        }
    }

    /**
     * Transforms {@code len} bytes of {@code in} starting at {@code inOff} into {@code out} at
     * {@code outOff}. {@code in} and {@code out} may be the same array with the same offset
     * (in place).
     */
    public void update(byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (len == 0) {
            return;
        }
        try {
            int n = cipher.update(in, inOff, len, out, outOff);
            if (n != len) {
                throw new IllegalStateException("CTR produced " + n + " of " + len + " bytes");
            }
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("output too short", e);
        }
    }

    /** Transforms the whole array in place and returns it. */
    public byte[] updateInPlace(byte[] data) {
        update(data, 0, data.length, data, 0);
        return data;
    }

    /** Returns the transformed copy of {@code in}; {@code in} is left untouched. */
    public byte[] update(byte[] in) {
        byte[] out = new byte[in.length];
        update(in, 0, in.length, out, 0);
        return out;
    }

    /**
     * Transforms all remaining bytes of {@code in} into {@code out} (positions advance on both).
     * The two buffers must not overlap unless they are views of the same memory at the same
     * position.
     *
     * @return the number of bytes written, always {@code in.remaining()} before the call
     */
    public int update(ByteBuffer in, ByteBuffer out) {
        int len = in.remaining();
        if (len == 0) {
            return 0;
        }
        if (out.remaining() < len) {
            throw new IllegalArgumentException("output too short: " + out.remaining() + " < " + len);
        }
        try {
            int n = cipher.update(in, out);
            if (n != len) {
                throw new IllegalStateException("CTR produced " + n + " of " + len + " bytes");
            }
            return n;
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("output too short", e);
        }
    }
}
