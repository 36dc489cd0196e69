package io.mtgate.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pure-JDK AES-256-IGE (see {@link AesIge} for the mode and IV layout): the fallback when the
 * native AES-NI kernel ({@link NativeAesIge}) is not available, and a cross-check in tests.
 *
 * <p>Encryption runs as one JCE {@code AES/CBC/NoPadding} call: with {@code y_j = c_j ^ p_{j-1}},
 * {@code y_j = E(q_j ^ y_{j-1})} where {@code q_0 = p_0}, {@code q_1 = p_1 ^ p_{-1}},
 * {@code q_j = p_j ^ p_{j-2}} and CBC IV {@code y_{-1} = c_{-1}}; one xor pass before and one
 * after. Decryption has no such mapping (the chain feeds the decryption output back into its
 * input), so it is one {@code AES/ECB/NoPadding} block call per 16 bytes.
 *
 * <p>Thread-safe: Cipher instances and the scratch buffer are per thread. Input and output may be
 * the same array at the same offset (in place); any other overlap is also handled.
 */
final class JdkAesIge {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Scratch buffers larger than this are not kept by the thread after the call. */
    private static final int MAX_RETAINED_SCRATCH = 1 << 20;

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private JdkAesIge() {
    }

    /**
     * Encrypts {@code in[inOff, inOff+len)} into {@code out[outOff, outOff+len)}.
     *
     * @throws IllegalArgumentException if the key or IV is not 32 bytes or len is not a multiple of 16
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    static void encrypt(byte[] key, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
        AesIge.check(key, iv, in, inOff, len, out, outOff);
        if (len == 0) {
            return;
        }
        State st = STATE.get();
        byte[] q = st.scratch(len); // holds plaintext-derived data until the thread's next call
        try {
            // q_j = p_j ^ p_{j-2}, with p_{-2} := 0 (so q_0 = p_0) and p_{-1} = iv[16..32)
            long m2a = 0, m2b = 0;
            long m1a = (long) LONGS.get(iv, 16), m1b = (long) LONGS.get(iv, 24);
            for (int j = 0; j < len; j += 16) {
                long pa = (long) LONGS.get(in, inOff + j), pb = (long) LONGS.get(in, inOff + j + 8);
                LONGS.set(q, j, pa ^ m2a);
                LONGS.set(q, j + 8, pb ^ m2b);
                m2a = m1a;
                m2b = m1b;
                m1a = pa;
                m1b = pb;
            }
            // y = CBC_E(q) with IV c_{-1}; q stays intact (distinct array), 'in' may now be overwritten
            Cipher cbc = st.cbc;
            cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv, 0, 16));
            int n = cbc.doFinal(q, 0, len, out, outOff);
            if (n != len) {
                throw new IllegalStateException("CBC produced " + n + " bytes, expected " + len);
            }
            // c_j = y_j ^ p_{j-1}; p recovered from q: p_j = q_j ^ p_{j-2}
            m2a = 0;
            m2b = 0;
            m1a = (long) LONGS.get(iv, 16);
            m1b = (long) LONGS.get(iv, 24);
            for (int j = 0; j < len; j += 16) {
                long pa = (long) LONGS.get(q, j) ^ m2a, pb = (long) LONGS.get(q, j + 8) ^ m2b;
                int o = outOff + j;
                LONGS.set(out, o, (long) LONGS.get(out, o) ^ m1a);
                LONGS.set(out, o + 8, (long) LONGS.get(out, o + 8) ^ m1b);
                m2a = m1a;
                m2b = m1b;
                m1a = pa;
                m1b = pb;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC failed", e);
        }
    }

    /**
     * Decrypts {@code in[inOff, inOff+len)} into {@code out[outOff, outOff+len)}.
     *
     * @throws IllegalArgumentException if the key or IV is not 32 bytes or len is not a multiple of 16
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    static void decrypt(byte[] key, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
        AesIge.check(key, iv, in, inOff, len, out, outOff);
        if (len == 0) {
            return;
        }
        State st = STATE.get();
        byte[] blk = st.blk;
        byte[] dec = st.dec;
        try {
            Cipher ecb = st.ecbDec;
            ecb.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"));
            long cpa = (long) LONGS.get(iv, 0), cpb = (long) LONGS.get(iv, 8);   // c_{j-1}
            long ppa = (long) LONGS.get(iv, 16), ppb = (long) LONGS.get(iv, 24); // p_{j-1}
            for (int j = 0; j < len; j += 16) {
                long ca = (long) LONGS.get(in, inOff + j), cb = (long) LONGS.get(in, inOff + j + 8);
                LONGS.set(blk, 0, ca ^ ppa);
                LONGS.set(blk, 8, cb ^ ppb);
                if (ecb.update(blk, 0, 16, dec, 0) != 16) {
                    throw new IllegalStateException("ECB block not produced");
                }
                ppa = (long) LONGS.get(dec, 0) ^ cpa;
                ppb = (long) LONGS.get(dec, 8) ^ cpb;
                LONGS.set(out, outOff + j, ppa);
                LONGS.set(out, outOff + j + 8, ppb);
                cpa = ca;
                cpb = cb;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB failed", e);
        } finally {
            LONGS.set(blk, 0, 0L);
            LONGS.set(blk, 8, 0L);
            LONGS.set(dec, 0, 0L);
            LONGS.set(dec, 8, 0L);
        }
    }

    private static final class State {
        final Cipher cbc = cipher("AES/CBC/NoPadding");
        final Cipher ecbDec = cipher("AES/ECB/NoPadding");
        final byte[] blk = new byte[16];
        final byte[] dec = new byte[16];
        byte[] scratch = new byte[4096];

        byte[] scratch(int len) {
            if (scratch.length >= len) {
                return scratch;
            }
            byte[] b = new byte[Math.max(len, Math.min(MAX_RETAINED_SCRATCH, scratch.length * 2))];
            if (b.length <= MAX_RETAINED_SCRATCH) {
                scratch = b;
            }
            return b;
        }

        private static Cipher cipher(String t) {
            try {
                return Cipher.getInstance(t);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(t + " not available", e);
            }
        }
    }

}
