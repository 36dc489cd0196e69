package io.mtgate.crypto;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AES-256 in Infinite Garble Extension mode, as used by MTProto and OpenSSL's
 * {@code AES_ige_encrypt}: {@code c_j = E(p_j ^ c_{j-1}) ^ p_{j-1}}. The 32-byte IV is
 * {@code c_{-1}(16) || p_{-1}(16)} ("y_prev || x_prev") for both directions.
 *
 * <p>Two implementations, chosen once when this class is initialised:
 * <ul>
 *   <li>{@code "native-aesni"} ({@link NativeAesIge}): a small AES-NI kernel in C called through
 *       JNI, shipped inside the jar ({@code native/linux-x86_64/libmtgate_ige.so}). Used on Linux
 *       x86_64 when the library loads and the CPU has AES-NI.</li>
 *   <li>{@code "jdk"} ({@link JdkAesIge}): pure JCE, the automatic fallback. Forced with
 *       {@code -Dmtgate.crypto.native=false}.</li>
 * </ul>
 * Both produce identical output; {@link #implementation()} tells which is active (logged once at
 * INFO). Every argument is validated here, in Java, before either implementation runs.
 *
 * <p>Thread-safe. Input and output may be the same array at the same offset (in place); any other
 * overlap is also handled.
 */
public final class AesIge {
    private static final Logger log = LoggerFactory.getLogger(AesIge.class);

    /** Value of {@link #implementation()} when the AES-NI kernel is used. */
    public static final String NATIVE_AESNI = "native-aesni";
    /** Value of {@link #implementation()} for the pure-JDK fallback. */
    public static final String JDK = "jdk";

    private static final boolean NATIVE = NativeAesIge.isAvailable();

    static {
        if (NATIVE) {
            log.info("AES-256-IGE implementation: {} (JNI kernel {})", NATIVE_AESNI, NativeLibrary.origin());
        } else {
            log.info("AES-256-IGE implementation: {} (native kernel not used: {})", JDK,
                    NativeLibrary.unavailableReason());
        }
    }

    private AesIge() {
    }

    /** {@code "native-aesni"} or {@code "jdk"}: the implementation in use, for logs and metrics. */
    public static String implementation() {
        return NATIVE ? NATIVE_AESNI : JDK;
    }

    /** Encrypts {@code data} (length a multiple of 16) into a new array. */
    public static byte[] encrypt(byte[] key32, byte[] iv32, byte[] data) {
        byte[] out = new byte[data.length];
        encrypt(key32, iv32, data, 0, data.length, out, 0);
        return out;
    }

    /** Decrypts {@code data} (length a multiple of 16) into a new array. */
    public static byte[] decrypt(byte[] key32, byte[] iv32, byte[] data) {
        byte[] out = new byte[data.length];
        decrypt(key32, iv32, data, 0, data.length, out, 0);
        return out;
    }

    /**
     * Encrypts {@code in[inOff, inOff+len)} into {@code out[outOff, outOff+len)}.
     *
     * @throws IllegalArgumentException if the key or IV is not 32 bytes or len is not a multiple of 16
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    public static void encrypt(byte[] key, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (NATIVE) {
            NativeAesIge.encrypt(key, iv, in, inOff, len, out, outOff);
        } else {
            JdkAesIge.encrypt(key, iv, in, inOff, len, out, outOff);
        }
    }

    /**
     * Decrypts {@code in[inOff, inOff+len)} into {@code out[outOff, outOff+len)}.
     *
     * @throws IllegalArgumentException if the key or IV is not 32 bytes or len is not a multiple of 16
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    public static void decrypt(byte[] key, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (NATIVE) {
            NativeAesIge.decrypt(key, iv, in, inOff, len, out, outOff);
        } else {
            JdkAesIge.decrypt(key, iv, in, inOff, len, out, outOff);
        }
    }

    /** The argument contract shared by both implementations (native code relies on it). */
    static void check(byte[] key, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(iv, "iv");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        if (key.length != 32) {
            throw new IllegalArgumentException("AES-256-IGE key must be 32 bytes, got " + key.length);
        }
        if (iv.length != 32) {
            throw new IllegalArgumentException("AES-256-IGE IV must be 32 bytes, got " + iv.length);
        }
        if (len < 0 || (len & 15) != 0) {
            throw new IllegalArgumentException("IGE length must be a non-negative multiple of 16, got " + len);
        }
        Objects.checkFromIndexSize(inOff, len, in.length);
        Objects.checkFromIndexSize(outOff, len, out.length);
    }
}
