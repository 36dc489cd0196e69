package io.mtgate.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-1 / SHA-256 helpers over per-thread {@link MessageDigest} instances (both use the SHA-NI
 * intrinsics on JDK 17+). All methods are thread-safe and allocate only the returned digest.
 */
public final class Sha {
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> digest("SHA-1"));
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> digest("SHA-256"));

    private Sha() {
    }

    /** SHA-1 of the concatenation of {@code parts} (20 bytes). */
    public static byte[] sha1(byte[]... parts) {
        MessageDigest md = sha1Digest();
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    /** SHA-256 of the concatenation of {@code parts} (32 bytes). */
    public static byte[] sha256(byte[]... parts) {
        MessageDigest md = sha256Digest();
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    /** SHA-1 of {@code data[off, off+len)}. */
    public static byte[] sha1(byte[] data, int off, int len) {
        MessageDigest md = sha1Digest();
        md.update(data, off, len);
        return md.digest();
    }

    /** SHA-256 of {@code data[off, off+len)}. */
    public static byte[] sha256(byte[] data, int off, int len) {
        MessageDigest md = sha256Digest();
        md.update(data, off, len);
        return md.digest();
    }

    /**
     * The calling thread's SHA-1 instance, reset. Callers must finish with {@code digest()}
     * (or {@code reset()}) before calling any other method of this class.
     */
    static MessageDigest sha1Digest() {
        MessageDigest md = SHA1.get();
        md.reset();
        return md;
    }

    /** The calling thread's SHA-256 instance, reset; same rules as {@link #sha1Digest()}. */
    static MessageDigest sha256Digest() {
        MessageDigest md = SHA256.get();
        md.reset();
        return md;
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " not available", e);
        }
    }
}
