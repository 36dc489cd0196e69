package io.mtgate.crypto;

import java.math.BigInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Modular exponentiation for the handshake's DH step: libcrypto's constant-time Montgomery
 * exponentiation through JNI ({@code libmtgate_bn.so}, built where libcrypto's headers exist),
 * else {@link BigInteger#modPow}. The secret is the exponent, so the native path also removes the
 * exponent-dependent timing of {@code BigInteger.modPow}.
 *
 * <p>Loading never throws; {@code -Dmtgate.crypto.native=false} forces BigInteger. The choice is
 * logged once.
 */
final class NativeModPow {
    static final int ABI_VERSION = 1;
    static final String RESOURCE = "/native/linux-x86_64/libmtgate_bn.so";
    private static final Logger log = LoggerFactory.getLogger(NativeModPow.class);
    private static final boolean LOADED = load();

    private NativeModPow() {
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
            log.info("DH modular exponentiation: native-libcrypto-consttime");
            return true;
        }
        log.info("DH modular exponentiation: jdk-biginteger ({})", reason);
        return false;
    }

    static native int abiVersion0();

    static native byte[] modPow0(byte[] base, byte[] exp, byte[] mod);
}
