package io.mtgate.crypto;

/** Deterministic primality for small numbers. */
public final class Primes {
    private Primes() {
    }

    /**
     * Exact primality test for {@code 0 <= n < 4,759,123,141} (Miller-Rabin with bases 2, 7, 61,
     * which is deterministic below that bound); larger arguments are rejected.
     */
    public static boolean isPrime(long n) {
        if (n < 0 || n >= 4_759_123_141L) {
            throw new IllegalArgumentException("out of the deterministic range");
        }
        if (n < 2) {
            return false;
        }
        for (long sp : new long[] {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61}) {
            if (n == sp) {
                return true;
            }
            if (n % sp == 0) {
                return false;
            }
        }
        long d = n - 1;
        int s = 0;
        while ((d & 1) == 0) {
            d >>= 1;
            s++;
        }
        for (long a : new long[] {2, 7, 61}) {
            long x = powMod(a, d, n);
            if (x == 1 || x == n - 1) {
                continue;
            }
            boolean composite = true;
            for (int r = 1; r < s; r++) {
                x = mulMod(x, x, n);
                if (x == n - 1) {
                    composite = false;
                    break;
                }
            }
            if (composite) {
                return false;
            }
        }
        return true;
    }

    private static long mulMod(long a, long b, long m) {
        // a, b < m < 2^33: use unsigned 128-bit product via multiplyHigh
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi == 0 && lo >= 0) {
            return lo % m;
        }
        return java.math.BigInteger.valueOf(a).multiply(java.math.BigInteger.valueOf(b))
                .mod(java.math.BigInteger.valueOf(m)).longValue();
    }

    private static long powMod(long base, long e, long m) {
        long r = 1;
        long b = base % m;
        while (e > 0) {
            if ((e & 1) != 0) {
                r = mulMod(r, b, m);
            }
            b = mulMod(b, b, m);
            e >>= 1;
        }
        return r;
    }
}
