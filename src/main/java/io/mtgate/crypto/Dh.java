package io.mtgate.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Server side of the MTProto Diffie-Hellman exchange over Telegram's published 2048-bit safe prime
 * with g = 3.
 *
 * <p>Exponentiations with the secret {@code a} go through {@link NativeLibcrypto}: libcrypto's
 * constant-time Montgomery exponentiation where the native library is built, else
 * {@link BigInteger#modPow}, which is not constant-time (the exponent is a fresh random secret per
 * handshake, which limits what a timing observer can learn from one exchange).
 */
public final class Dh {
    /** Telegram's dh_prime (auth_key / security_guidelines pages): a 2048-bit safe prime. */
    public static final BigInteger PRIME = new BigInteger(
            "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f"
            + "48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37"
            + "20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64"
            + "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4"
            + "a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754"
            + "fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4"
            + "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f"
            + "0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b", 16);

    /** The generator (valid for this prime since p mod 3 = 2). */
    public static final int G = 3;

    /** {@link #PRIME} as the 256 big-endian bytes sent in server_DH_inner_data. */
    private static final byte[] PRIME_BYTES = toBytes(PRIME, 256);

    private static final BigInteger G_BIG = BigInteger.valueOf(G);
    private static final BigInteger P_MINUS_1 = PRIME.subtract(BigInteger.ONE);
    private static final BigInteger LOW = BigInteger.ONE.shiftLeft(2048 - 64);
    private static final BigInteger HIGH = PRIME.subtract(LOW);

    private Dh() {
    }

    /** The prime as 256 big-endian bytes (a copy). */
    public static byte[] primeBytes() {
        return PRIME_BYTES.clone();
    }

    /** A DH exponent and the public value g^a mod p. {@code a} is secret; toString hides it. */
    public record KeyPair(BigInteger a, BigInteger gA) {
        public KeyPair {
            Objects.requireNonNull(a, "a");
            Objects.requireNonNull(gA, "gA");
        }

        @Override
        public String toString() {
            return "Dh.KeyPair[gA=" + gA.bitLength() + " bits, a=<secret>]";
        }
    }

    /**
     * {@code true} iff {@code 1 < x < p-1} and {@code 2^(2048-64) < x < p - 2^(2048-64)} (the check
     * for g_a and g_b).
     */
    public static boolean isValidPublic(BigInteger x) {
        if (x == null) {
            return false;
        }
        return x.compareTo(BigInteger.ONE) > 0 && x.compareTo(P_MINUS_1) < 0
                && x.compareTo(LOW) > 0 && x.compareTo(HIGH) < 0;
    }

    /** A fresh 2048-bit random {@code a} and g^a mod p, regenerated until g^a passes {@link #isValidPublic}. */
    public static KeyPair generate(SecureRandom rnd) {
        Objects.requireNonNull(rnd, "rnd");
        while (true) {
            BigInteger a = new BigInteger(2048, rnd);
            if (a.signum() == 0) {
                continue;
            }
            BigInteger gA = NativeLibcrypto.modPow(G_BIG, a, PRIME);
            if (isValidPublic(gA)) {
                return new KeyPair(a, gA);
            }
        }
    }

    /**
     * auth_key = g_b^a mod p as exactly 256 big-endian bytes.
     *
     * @throws IllegalArgumentException if {@code gB} fails {@link #isValidPublic} (callers must
     *     check first and answer the client per protocol; this is a last line of defence)
     */
    public static byte[] computeAuthKey(BigInteger a, BigInteger gB) {
        if (!isValidPublic(gB)) {
            throw new IllegalArgumentException("g_b out of range");
        }
        return toBytes(NativeLibcrypto.modPow(gB, a, PRIME), 256);
    }

    /** Minimal big-endian unsigned bytes (no sign byte; zero -> empty array). */
    public static byte[] toUnsignedBytes(BigInteger x) {
        if (x.signum() < 0) {
            throw new IllegalArgumentException("negative");
        }
        byte[] b = x.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            return Bytes.slice(b, 1, b.length - 1);
        }
        if (b.length == 1 && b[0] == 0) {
            return new byte[0];
        }
        return b;
    }

    /** Big-endian unsigned bytes left-padded with zeros to exactly {@code len}. */
    public static byte[] toBytes(BigInteger x, int len) {
        byte[] m = toUnsignedBytes(x);
        if (m.length > len) {
            throw new IllegalArgumentException("value needs " + m.length + " bytes, more than " + len);
        }
        byte[] r = new byte[len];
        System.arraycopy(m, 0, r, len - m.length, m.length);
        return r;
    }

    /** The non-negative integer with big-endian magnitude {@code b}. */
    public static BigInteger fromUnsignedBytes(byte[] b) {
        return new BigInteger(1, b);
    }
}
