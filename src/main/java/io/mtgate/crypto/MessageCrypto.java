package io.mtgate.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The cryptographic core of one MTProto 2.0 encrypted message, in place on the transport payload
 * {@code auth_key_id(8) | msg_key(16) | data}: KDF, AES-256-IGE and msg_key_large. The checks
 * (auth_key_id, constant-time msg_key comparison, lengths) stay with the caller
 * ({@code io.mtgate.session.EncryptedEnvelope}).
 *
 * <p>Two implementations, same results: one native call ({@link NativeAesIge#envelope}: the
 * three SHA-256 with SHA-NI and the IGE with AES-NI, no Java allocation; used when the AES-NI
 * kernel is loaded, the CPU has the SHA extensions and the data is at most 64 KiB), otherwise
 * {@link MtprotoKdf} + {@link AesIge} (JDK SHA-256).
 */
public final class MessageCrypto {
    private MessageCrypto() {
    }

    /** Whether the single-call native path is used (for logs and benchmarks). */
    public static boolean nativeEnvelope() {
        return NativeAesIge.envelopeAvailable();
    }

    /**
     * Client to server (x = 0): derives key and IV from the packet's msg_key, decrypts
     * {@code packet[off+24, off+len)} in place, and writes
     * {@code msg_key_large = SHA256(auth_key[88, 120) | plaintext)} to {@code mkl[0, 32)}.
     *
     * @param len 24 + a positive multiple of 16
     */
    public static void decrypt(byte[] authKey256, byte[] packet, int off, int len, byte[] mkl) {
        run(false, 0, authKey256, packet, off, len, mkl);
    }

    /**
     * Server to client (x = 8): {@code packet[off+24, off+len)} holds the plaintext (header, body,
     * padding); writes {@code msg_key_large = SHA256(auth_key[96, 128) | plaintext)} to
     * {@code mkl[0, 32)}, the msg_key ({@code msg_key_large[8, 24)}) to {@code packet[off+8, off+24)},
     * and encrypts the plaintext in place. The auth_key_id is the caller's.
     */
    public static void encrypt(byte[] authKey256, byte[] packet, int off, int len, byte[] mkl) {
        run(true, 8, authKey256, packet, off, len, mkl);
    }

    /**
     * {@link #encrypt} on bytes {@code [0, len)} of {@code packet} (absolute, whatever its position):
     * a direct buffer is encrypted in place by the native call without a copy (the server's send
     * path writes each message straight into the socket's pooled buffer); otherwise the bytes go
     * through the array path and back.
     */
    public static void encrypt(byte[] authKey256, ByteBuffer packet, int len) {
        Objects.checkFromIndexSize(0, len, packet.capacity());
        if (len < 40 || ((len - 24) & 15) != 0) {
            throw new IllegalArgumentException("packet length must be 24 + a positive multiple of 16, got " + len);
        }
        if (packet.isDirect() && NativeAesIge.envelopeAvailable() && len - 24 <= NativeAesIge.ENVELOPE_MAX_DATA) {
            NativeAesIge.envelopeDirect(true, 8, authKey256, packet, len, null);
            return;
        }
        byte[] a = new byte[len];
        packet.get(0, a, 0, len);
        run(true, 8, authKey256, a, 0, len, new byte[32]);
        packet.put(0, a, 0, len);
        Arrays.fill(a, (byte) 0);
    }

    /**
     * The client's side (the load generator, test clients): {@link #encrypt} with x = 0, for a
     * message to the server. Same layout and outputs.
     */
    public static void encryptFromClient(byte[] authKey256, byte[] packet, int off, int len, byte[] mkl) {
        run(true, 0, authKey256, packet, off, len, mkl);
    }

    /**
     * The client's side: {@link #decrypt} with x = 8, for a message from the server; the caller
     * compares {@code mkl[8, 24)} with the packet's msg_key in constant time.
     */
    public static void decryptFromServer(byte[] authKey256, byte[] packet, int off, int len, byte[] mkl) {
        run(false, 8, authKey256, packet, off, len, mkl);
    }

    private static void run(boolean encrypt, int x, byte[] authKey, byte[] packet, int off, int len, byte[] mkl) {
        Objects.checkFromIndexSize(off, len, packet.length);
        if (len < 40 || ((len - 24) & 15) != 0) {
            throw new IllegalArgumentException("packet length must be 24 + a positive multiple of 16, got " + len);
        }
        if (NativeAesIge.envelopeAvailable() && len - 24 <= NativeAesIge.ENVELOPE_MAX_DATA) {
            NativeAesIge.envelope(encrypt, x, authKey, packet, off, len, mkl);
        } else {
            jdk(encrypt, x, authKey, packet, off, len, mkl);
        }
    }

    /** The portable path (also the reference the tests compare the native one with). */
    static void jdk(boolean encrypt, int x, byte[] authKey, byte[] packet, int off, int len, byte[] mkl) {
        int pOff = off + 24;
        int pLen = len - 24;
        if (encrypt) {
            byte[] large = MtprotoKdf.msgKeyLarge(authKey, x, packet, pOff, pLen);
            System.arraycopy(large, 0, mkl, 0, 32);
            System.arraycopy(large, 8, packet, off + 8, 16);
        }
        byte[] msgKey = Bytes.slice(packet, off + 8, 16);
        MtprotoKdf.KeyIv kv = MtprotoKdf.v2(authKey, msgKey, x);
        if (encrypt) {
            AesIge.encrypt(kv.key(), kv.iv(), packet, pOff, pLen, packet, pOff);
        } else {
            AesIge.decrypt(kv.key(), kv.iv(), packet, pOff, pLen, packet, pOff);
            System.arraycopy(MtprotoKdf.msgKeyLarge(authKey, x, packet, pOff, pLen), 0, mkl, 0, 32);
        }
    }
}
