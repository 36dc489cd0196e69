package io.mtgate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NativeModPowTest {

    @Test
    void theNativeLibraryIsUsedWhereverItWasBuilt() {
        boolean shipped = NativeModPow.class.getResource(NativeModPow.RESOURCE) != null;
        boolean disabled = "false".equalsIgnoreCase(System.getProperty(NativeLibrary.PROPERTY, "true"));
        if (shipped && !disabled) {
            assertTrue(NativeModPow.isLoaded(), "libmtgate_bn.so is on the class path but was not loaded");
        }
        if (System.getenv("CI") != null && !disabled) {
            assertTrue(shipped, "CI machines have libssl-dev: the native modexp must be built there");
        }
    }

    @Test
    void agreesWithBigIntegerOnTheDhPrime() {
        SecureRandom rnd = new SecureRandom();
        for (int i = 0; i < 50; i++) {
            BigInteger base = new BigInteger(2047, rnd).add(BigInteger.TWO);
            BigInteger exp = new BigInteger(1 + rnd.nextInt(2048), rnd).add(BigInteger.ONE);
            assertEquals(base.modPow(exp, Dh.PRIME), NativeModPow.modPow(base, exp, Dh.PRIME));
        }
    }

    @Test
    void edgeOperandsAgreeToo() {
        BigInteger p = Dh.PRIME;
        BigInteger[] bases = {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, p.subtract(BigInteger.ONE)};
        BigInteger[] exps = {BigInteger.ONE, BigInteger.TWO, p.subtract(BigInteger.TWO), BigInteger.ONE.shiftLeft(2047)};
        for (BigInteger b : bases) {
            for (BigInteger e : exps) {
                assertEquals(b.modPow(e, p), NativeModPow.modPow(b, e, p), b + "^" + e);
            }
        }
        // Small odd moduli, leading-zero results: the native result is left-padded and must parse back.
        BigInteger m = BigInteger.valueOf(1_000_003);
        assertEquals(BigInteger.valueOf(5).modPow(BigInteger.valueOf(123_456), m),
                NativeModPow.modPow(BigInteger.valueOf(5), BigInteger.valueOf(123_456), m));
        // Even modulus and base >= modulus fall back to BigInteger rather than misbehave.
        assertEquals(BigInteger.valueOf(7).modPow(BigInteger.TEN, BigInteger.valueOf(100)),
                NativeModPow.modPow(BigInteger.valueOf(7), BigInteger.TEN, BigInteger.valueOf(100)));
        assertEquals(p.add(BigInteger.TEN).modPow(BigInteger.TWO, p), NativeModPow.modPow(p.add(BigInteger.TEN), BigInteger.TWO, p));
    }
}
