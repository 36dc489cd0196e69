package io.mtgate.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cryptographically secure generator for message padding, one per thread ({@link #current()}):
 * an AES-256-CTR keystream with fast key erasure, seeded from the system {@link SecureRandom}.
 *
 * <p>Each refill encrypts {@value #BUFFER} zero bytes under the current key (JCE AES/CTR, AES-NI
 * intrinsic); the first 32 bytes of that keystream become the next key and are never output, the
 * rest is handed out once and wiped as it is consumed (so a later compromise of the state reveals
 * no earlier output). Every {@value #RESEED_BYTES} output bytes 32 fresh bytes from the system
 * {@code SecureRandom} are mixed into the key. The same construction as NIST's CTR_DRBG without a
 * derivation function, and as the ChaCha-based arc4random of the BSDs.
 *
 * <p>Why not the JDK's generators: the shared {@code SecureRandom} (NativePRNG) takes two global
 * locks per call; a per-thread SHA1PRNG costs a synchronized call and a 4-byte array per
 * {@code nextInt}, and a SHA-1 per 20 bytes: 745 ns of thread CPU time for the padding of one server
 * message (~50 bytes and the extra-block draw), against 79 ns here (2026-11-26, AMD EPYC, JDK 17).
 *
 * <p>Not thread-safe: use {@link #current()} on the thread that uses it.
 */
public final class PaddingRandom implements RandomGenerator {
    /** Keystream bytes per refill (the first 32 are the next key). */
    static final int BUFFER = 4096;
    /** Output bytes after which fresh system entropy is mixed into the key. */
    static final long RESEED_BYTES = 1L << 20;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final SecureRandom SEED = new SecureRandom();
    private static final ThreadLocal<PaddingRandom> PER_THREAD = ThreadLocal.withInitial(PaddingRandom::new);
    private static final IvParameterSpec ZERO_IV = new IvParameterSpec(new byte[16]);

    private final Cipher ctr;
    private final byte[] zeros = new byte[BUFFER];
    private final byte[] buf = new byte[BUFFER];
    private final byte[] key = new byte[32];
    private int pos = BUFFER;
    private long sinceSeed;

    /** A new generator with its own seed (prefer {@link #current()}). */
    public PaddingRandom() {
        try {
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR not available", e);
        }
        SEED.nextBytes(key);
    }

    /** A generator starting from a given key (tests: two generators with the same stream). */
    PaddingRandom(byte[] startKey) {
        this();
        if (startKey.length != 32) {
            throw new IllegalArgumentException("key must be 32 bytes");
        }
        System.arraycopy(startKey, 0, key, 0, 32);
    }

    /** The calling thread's generator. */
    public static PaddingRandom current() {
        return PER_THREAD.get();
    }

    /** Fills {@code out[off, off+len)} with random bytes. */
    public void nextBytes(byte[] out, int off, int len) {
        Objects.checkFromIndexSize(off, len, out.length);
        while (len > 0) {
            if (pos == BUFFER) {
                refill();
            }
            int n = Math.min(len, BUFFER - pos);
            System.arraycopy(buf, pos, out, off, n);
            Arrays.fill(buf, pos, pos + n, (byte) 0);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** Fills {@code out[index, index+len)} (absolute, the position is not used or moved). */
    public void nextBytes(ByteBuffer out, int index, int len) {
        Objects.checkFromIndexSize(index, len, out.capacity());
        while (len > 0) {
            if (pos == BUFFER) {
                refill();
            }
            int n = Math.min(len, BUFFER - pos);
            out.put(index, buf, pos, n);
            Arrays.fill(buf, pos, pos + n, (byte) 0);
            pos += n;
            index += n;
            len -= n;
        }
    }

    @Override
    public void nextBytes(byte[] bytes) {
        nextBytes(bytes, 0, bytes.length);
    }

    @Override
    public long nextLong() {
        if (pos > BUFFER - 8) {
            refill();
        }
        long v = (long) LONG_LE.get(buf, pos);
        LONG_LE.set(buf, pos, 0L);
        pos += 8;
        return v;
    }

    private void refill() {
        if (sinceSeed >= RESEED_BYTES) {
            byte[] fresh = new byte[32];
            SEED.nextBytes(fresh);
            for (int i = 0; i < 32; i++) {
                key[i] ^= fresh[i];
            }
            Arrays.fill(fresh, (byte) 0);
            sinceSeed = 0;
        }
        try {
            ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), ZERO_IV);
            ctr.doFinal(zeros, 0, BUFFER, buf, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR failed", e);
        }
        System.arraycopy(buf, 0, key, 0, 32);
        Arrays.fill(buf, 0, 32, (byte) 0);
        pos = 32;
        sinceSeed += BUFFER - 32;
    }
}
