package io.mtgate.crypto;

import java.math.BigInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake's big-number work through libcrypto over JNI ({@code libmtgate_bn.so}, built where
 * libcrypto's headers exist): DH exponentiation with the constant-time Montgomery ladder (the
 * secret is the exponent, whose timing {@code BigInteger.modPow} leaks), and the RSA private
 * operation with libcrypto's CRT and blinding. Without the library: {@link BigInteger#modPow} and
 * the JDK's RSA cipher.
 *
 * <p>Loading never throws; {@code -Dmtgate.crypto.native=false} forces BigInteger. The choice is
 * logged once.
 */
final class NativeLibcrypto {
    static final int ABI_VERSION = 2;
    static final String RESOURCE = "/native/linux-x86_64/libmtgate_bn.so";
    private static final Logger log = LoggerFactory.getLogger(NativeLibcrypto.class);
    private static final boolean LOADED = load();

    private NativeLibcrypto() {
    }

    static boolean isLoaded() {
        return LOADED;
    }

    /** "native-libcrypto-consttime" or "jdk-biginteger". */
    static String implementation() {
        return LOADED ? "native-libcrypto-consttime" : "jdk-biginteger";
    }

    /** {@code base^exp mod mod} for a positive odd modulus of at most 8192 bits and a positive exponent. */
    static BigInteger modPow(BigInteger base, BigInteger exp, BigInteger mod) {
        if (!LOADED || mod.signum() <= 0 || !mod.testBit(0) || exp.signum() <= 0 || base.signum() < 0
                || mod.bitLength() > 8192 || exp.bitLength() > 8192 || base.compareTo(mod) >= 0) {
            return base.modPow(exp, mod);
        }
        byte[] r = modPow0(Dh.toUnsignedBytes(base), Dh.toUnsignedBytes(exp), Dh.toUnsignedBytes(mod));
        return new BigInteger(1, r);
    }

    private static boolean load() {
        String reason;
        try {
            reason = NativeLibrary.platformProblem();
            if (reason == null) {
                if (!NativeLibrary.extractAndLoad(RESOURCE, "mtgate_bn-")) {
                    reason = RESOURCE + " is not on the class path (built without libssl-dev?)";
                } else if (abiVersion0() != ABI_VERSION) {
                    reason = "library ABI mismatch";
                }
            }
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
            reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (reason == null) {
            log.info("DH and RSA big-number operations: libcrypto (constant-time modexp)");
            return true;
        }
        log.info("DH and RSA big-number operations: JDK ({})", reason);
        return false;
    }

    /** Imports an RSA key into libcrypto; 0 when the library is not loaded or refuses the key. */
    static long importRsa(java.security.interfaces.RSAPrivateCrtKey k) {
        if (!LOADED) {
            return 0;
        }
        try {
            return rsaNew0(Dh.toUnsignedBytes(k.getModulus()), Dh.toUnsignedBytes(k.getPublicExponent()),
                    Dh.toUnsignedBytes(k.getPrivateExponent()), Dh.toUnsignedBytes(k.getPrimeP()),
                    Dh.toUnsignedBytes(k.getPrimeQ()), Dh.toUnsignedBytes(k.getPrimeExponentP()),
                    Dh.toUnsignedBytes(k.getPrimeExponentQ()), Dh.toUnsignedBytes(k.getCrtCoefficient()));
        } catch (RuntimeException e) {
            log.warn("libcrypto refused an RSA key, using the JDK cipher for it: {}", e.getMessage());
            return 0;
        }
    }

    /** c^d mod n; the caller has checked that c has the modulus length and is below n. */
    static byte[] rsaDecrypt(long handle, byte[] c) throws CryptoException {
        try {
            return rsaDecrypt0(handle, c);
        } catch (RuntimeException e) {
            throw new CryptoException("RSA private operation failed", e);
        }
    }

    static void freeRsa(long handle) {
        rsaFree0(handle);
    }

    static native int abiVersion0();

    static native long rsaNew0(byte[] n, byte[] e, byte[] d, byte[] p, byte[] q, byte[] dp, byte[] dq, byte[] qinv);

    static native void rsaFree0(long handle);

    static native byte[] rsaDecrypt0(long handle, byte[] c);

    static native byte[] modPow0(byte[] base, byte[] exp, byte[] mod);
}
