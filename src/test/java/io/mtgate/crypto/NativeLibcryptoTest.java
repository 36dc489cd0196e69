package io.mtgate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NativeLibcryptoTest {

    @Test
    void theNativeLibraryIsUsedWhereverItWasBuilt() {
        boolean shipped = NativeLibcrypto.class.getResource(NativeLibcrypto.RESOURCE) != null;
        boolean disabled = "false".equalsIgnoreCase(System.getProperty(NativeLibrary.PROPERTY, "true"));
        if (shipped && !disabled) {
            assertTrue(NativeLibcrypto.isLoaded(), "libmtgate_bn.so is on the class path but was not loaded");
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
            assertEquals(base.modPow(exp, Dh.PRIME), NativeLibcrypto.modPow(base, exp, Dh.PRIME));
        }
    }

    @Test
    void edgeOperandsAgreeToo() {
        BigInteger p = Dh.PRIME;
        BigInteger[] bases = {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, p.subtract(BigInteger.ONE)};
        BigInteger[] exps = {BigInteger.ONE, BigInteger.TWO, p.subtract(BigInteger.TWO), BigInteger.ONE.shiftLeft(2047)};
        for (BigInteger b : bases) {
            for (BigInteger e : exps) {
                assertEquals(b.modPow(e, p), NativeLibcrypto.modPow(b, e, p), b + "^" + e);
            }
        }
        // Small odd moduli, leading-zero results: the native result is left-padded and must parse back.
        BigInteger m = BigInteger.valueOf(1_000_003);
        assertEquals(BigInteger.valueOf(5).modPow(BigInteger.valueOf(123_456), m),
                NativeLibcrypto.modPow(BigInteger.valueOf(5), BigInteger.valueOf(123_456), m));
        // Even modulus and base >= modulus fall back to BigInteger rather than misbehave.
        assertEquals(BigInteger.valueOf(7).modPow(BigInteger.TEN, BigInteger.valueOf(100)),
                NativeLibcrypto.modPow(BigInteger.valueOf(7), BigInteger.TEN, BigInteger.valueOf(100)));
        assertEquals(p.add(BigInteger.TEN).modPow(BigInteger.TWO, p), NativeLibcrypto.modPow(p.add(BigInteger.TEN), BigInteger.TWO, p));
    }

    @Test
    void rsaThroughLibcryptoMatchesTheJdkForRandomInputs() throws Exception {
        SecureRandom rnd = new SecureRandom();
        RsaKey key = RsaKey.generate(rnd, 2048);
        org.junit.jupiter.api.Assertions.assertEquals(NativeLibcrypto.isLoaded(), key.usesLibcrypto());
        java.security.interfaces.RSAPrivateCrtKey jdkKey = (java.security.interfaces.RSAPrivateCrtKey)
                java.security.KeyFactory.getInstance("RSA").generatePrivate(
                        new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(
                                key.privateKeyPemPkcs8().replaceAll("-----[A-Z ]+-----", ""))));
        for (int i = 0; i < 20; i++) {
            BigInteger c = new BigInteger(2048, rnd).mod(key.modulus());
            if (i == 0) {
                c = BigInteger.valueOf(3); // tiny input: many leading zero bytes in and out
            }
            byte[] expected = Dh.toBytes(c.modPow(jdkKey.getPrivateExponent(), key.modulus()), 256);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, key.decryptRaw(Dh.toBytes(c, 256)));
        }
    }
}
