package io.mtgate.crypto;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * The proof-of-work factorisation sent in resPQ: two distinct primes {@code p < q}, both in
 * [2^30, 2^31), so {@code pq < 2^62} fits a signed long (checklist 2.2).
 */
public record Pq(long p, long q) {
    static final long MIN = 1L << 30;
    static final long MAX = 1L << 31; // exclusive

    public Pq {
        if (p <= 1 || q <= p) {
            throw new IllegalArgumentException("need 1 < p < q");
        }
        if (Math.multiplyHigh(p, q) != 0 || p * q < 0) {
            throw new IllegalArgumentException("p*q does not fit a signed long");
        }
    }

    /** p * q. */
    public long pq() {
        return p * q;
    }

    /** pq as the 8-byte big-endian string body of resPQ.pq. */
    public byte[] pqBytes() {
        return bigEndian8(pq());
    }

    /** p as the minimal big-endian bytes (4 bytes here), the form clients send in req_DH_params. */
    public byte[] pBytes() {
        return Dh.toUnsignedBytes(java.math.BigInteger.valueOf(p));
    }

    /** q as the minimal big-endian bytes (4 bytes here). */
    public byte[] qBytes() {
        return Dh.toUnsignedBytes(java.math.BigInteger.valueOf(q));
    }

    /** Two distinct random primes in [2^30, 2^31), ordered. */
    public static Pq generate(SecureRandom rnd) {
        Objects.requireNonNull(rnd, "rnd");
        long a = randomPrime(rnd);
        long b;
        do {
            b = randomPrime(rnd);
        } while (b == a);
        return new Pq(Math.min(a, b), Math.max(a, b));
    }

    private static long randomPrime(SecureRandom rnd) {
        while (true) {
            long c = MIN + (rnd.nextInt() & 0x3FFFFFFF); // [2^30, 2^31)
            c |= 1;
            if (c < MAX && Primes.isPrime(c)) {
                return c;
            }
        }
    }

    static byte[] bigEndian8(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }
}
