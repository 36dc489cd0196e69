package io.mtgate.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * AES-256-IGE through the AES-NI kernel in {@code src/main/c/mtgate_ige.c} (JNI). Same contract
 * as {@link AesIge}; use only when {@link #isAvailable()}.
 *
 * <p>All arguments are validated here before the native call (the native side re-checks them
 * and throws {@link IllegalStateException} rather than touching memory if that is ever bypassed).
 * Messages up to 1 KiB are copied to the native stack ({@code Get/SetByteArrayRegion}: fewer JNI
 * calls than pinning). Longer ones are pinned with {@code GetPrimitiveArrayCritical}, which holds
 * off the garbage collector, so the kernel works through them in pieces of at most {@link #CHUNK}
 * bytes, keeping the key schedule and the IGE chaining state across pieces (64 KiB take ~75 µs on
 * the 2-vCPU test machine).
 */
final class NativeAesIge {
    /** Native ABI this class expects (MTGATE_IGE_ABI in mtgate_ige.c). */
    static final int ABI_VERSION = 4;
    /** Maximum bytes processed per critical (GC-blocking) region. */
    static final int CHUNK = 64 * 1024;

    private NativeAesIge() {
    }

    /** True if the library is loaded, has the expected ABI and the CPU has AES-NI. */
    static boolean isAvailable() {
        return NativeLibrary.isLoaded();
    }

    static void encrypt(byte[] key, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
        process(true, key, iv, in, inOff, len, out, outOff, CHUNK);
    }

    static void decrypt(byte[] key, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
        process(false, key, iv, in, inOff, len, out, outOff, CHUNK);
    }

    /** {@code chunk}: bytes per critical region, a positive multiple of 16 (tests use small ones). */
    static void process(boolean encrypt, byte[] key, byte[] iv, byte[] in, int inOff, int len,
                        byte[] out, int outOff, int chunk) {
        AesIge.check(key, iv, in, inOff, len, out, outOff);
        if (chunk <= 0 || (chunk & 15) != 0 || chunk > CHUNK) {
            throw new IllegalArgumentException("chunk must be a positive multiple of 16 up to " + CHUNK);
        }
        if (!isAvailable()) {
            throw new IllegalStateException("native AES-IGE kernel not available: " + NativeLibrary.unavailableReason());
        }
        if (len == 0) {
            return;
        }
        if (in == out && outOff > inOff && outOff < inOff + len) {
            // The kernel reads each block before writing it and reads ahead by one block, which is
            // safe for out <= in; output ahead of input would overwrite unread input.
            in = Arrays.copyOfRange(in, inOff, inOff + len);
            inOff = 0;
        }
        ige0(encrypt, key, iv, in, inOff, out, outOff, len, chunk);
    }

    /** Largest ciphertext {@link #envelope} takes (the packet is pinned once, for ~0.1 ms at most). */
    static final int ENVELOPE_MAX_DATA = CHUNK;

    /** Initialised on first use, after {@link NativeLibrary} (whose initialisation calls into this class). */
    private static final class Sha {
        static final boolean OK = isAvailable() && shaSupported0();
    }

    /** True if, besides {@link #isAvailable()}, the CPU has the SHA extensions (SHA-NI). */
    static boolean envelopeAvailable() {
        return Sha.OK;
    }

    /**
     * The whole crypto of one MTProto 2.0 message in one native call (see {@code envelope0} in
     * mtgate_ige.c): {@code packet[off, off+len)} = auth_key_id | msg_key | data, data in place;
     * msg_key_large goes to {@code mkl[0, 32)}. Encrypt also writes the msg_key into the packet.
     *
     * @param x 0 for a message from the client, 8 for one from the server
     */
    static void envelope(boolean encrypt, int x, byte[] authKey, byte[] packet, int off, int len, byte[] mkl) {
        if (x != 0 && x != 8) {
            throw new IllegalArgumentException("x must be 0 or 8, got " + x);
        }
        if (authKey.length != AuthKey.LENGTH) {
            throw new IllegalArgumentException("auth_key must be 256 bytes, got " + authKey.length);
        }
        if (mkl.length < 32) {
            throw new IllegalArgumentException("msg_key_large buffer must hold 32 bytes");
        }
        if (len < 40 || ((len - 24) & 15) != 0 || len - 24 > ENVELOPE_MAX_DATA) {
            throw new IllegalArgumentException("packet length must be 24 + a multiple of 16 in [16, "
                    + ENVELOPE_MAX_DATA + "], got " + len);
        }
        Objects.checkFromIndexSize(off, len, packet.length);
        if (!Sha.OK) {
            throw new IllegalStateException("native envelope not available");
        }
        envelope0(encrypt, x, authKey, packet, off, len, mkl);
    }

    /**
     * {@link #envelope} on the first {@code len} bytes of a direct buffer (from its address, whatever
     * its position): nothing is pinned and nothing copied. {@code mkl} may be null for encryption
     * (the msg_key is written into the packet).
     */
    static void envelopeDirect(boolean encrypt, int x, byte[] authKey, ByteBuffer packet, int len, byte[] mkl) {
        if (x != 0 && x != 8) {
            throw new IllegalArgumentException("x must be 0 or 8, got " + x);
        }
        if (authKey.length != AuthKey.LENGTH) {
            throw new IllegalArgumentException("auth_key must be 256 bytes, got " + authKey.length);
        }
        if (mkl == null ? !encrypt : mkl.length < 32) {
            throw new IllegalArgumentException("msg_key_large buffer must hold 32 bytes");
        }
        if (len < 40 || ((len - 24) & 15) != 0 || len - 24 > ENVELOPE_MAX_DATA) {
            throw new IllegalArgumentException("packet length must be 24 + a multiple of 16 in [16, "
                    + ENVELOPE_MAX_DATA + "], got " + len);
        }
        if (!packet.isDirect() || packet.isReadOnly() || packet.capacity() < len) {
            throw new IllegalArgumentException("packet must be a writable direct buffer of at least " + len + " bytes");
        }
        if (!Sha.OK) {
            throw new IllegalStateException("native envelope not available");
        }
        envelopeDirect0(encrypt, x, authKey, packet, len, mkl);
    }

    /** SHA-256 through the SHA-NI code (tests compare it with the JDK's). */
    static byte[] sha256(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        if (!Sha.OK) {
            throw new IllegalStateException("native SHA-256 not available");
        }
        byte[] out = new byte[32];
        sha2560(data, off, len, out);
        return out;
    }

    static native int abiVersion0();

    /** CPUID: AES-NI and SSE4.1 present. Must return true before {@link #ige0} may be called. */
    static native boolean cpuSupported0();

    /** CPUID: SHA extensions, SSSE3, SSE4.1. Must return true before the two below are called. */
    static native boolean shaSupported0();

    static native void sha2560(byte[] data, int off, int len, byte[] out);

    static native void envelope0(boolean encrypt, int x, byte[] authKey, byte[] packet, int off, int len, byte[] mkl);

    static native void envelopeDirect0(boolean encrypt, int x, byte[] authKey, ByteBuffer packet, int len,
                                       byte[] mkl);

    static native void ige0(boolean encrypt, byte[] key, byte[] iv, byte[] in, int inOff,
                            byte[] out, int outOff, int len, int chunk);
}
