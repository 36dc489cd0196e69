package io.mtgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class DhTest {
    static final BigInteger P = Dh.PRIME;
    static final BigInteger LOW = BigInteger.TWO.pow(2048 - 64);

    /** A.14 */
    @Test
    void primeProperties() {
        assertEquals(2048, P.bitLength());
        assertTrue(P.isProbablePrime(64));
        assertTrue(P.subtract(BigInteger.ONE).shiftRight(1).isProbablePrime(64), "safe prime");
        assertEquals(3, P.mod(BigInteger.valueOf(8)).intValue());
        assertEquals(2, P.mod(BigInteger.valueOf(3)).intValue());
        assertEquals(3, P.mod(BigInteger.valueOf(5)).intValue());
        assertEquals(11, P.mod(BigInteger.valueOf(24)).intValue());
        assertEquals(6, P.mod(BigInteger.valueOf(7)).intValue());
        assertEquals(3, Dh.G);
        assertEquals("c71caeb9c6b1c9048e6c522f", Hex.hex(Dh.primeBytes()).substring(0, 24));
        assertTrue(Hex.hex(Dh.primeBytes()).endsWith("119cd8e3b92fcc5b"));
        // g = 3 generates the subgroup of prime order q = (p-1)/2 (3 is a quadratic residue mod p),
        // which is what clients check; 2 is not a residue for this prime
        BigInteger q = P.subtract(BigInteger.ONE).shiftRight(1);
        assertEquals(BigInteger.ONE, BigInteger.valueOf(3).modPow(q, P));
        assertEquals(P.subtract(BigInteger.ONE), BigInteger.TWO.modPow(q, P));
    }

    @Test
    void rangeBoundaries() {
        BigInteger high = P.subtract(LOW);
        assertFalse(Dh.isValidPublic(null));
        assertFalse(Dh.isValidPublic(BigInteger.valueOf(-5)));
        assertFalse(Dh.isValidPublic(BigInteger.ZERO));
        assertFalse(Dh.isValidPublic(BigInteger.ONE));
        assertFalse(Dh.isValidPublic(BigInteger.TWO));
        assertFalse(Dh.isValidPublic(LOW));
        assertTrue(Dh.isValidPublic(LOW.add(BigInteger.ONE)));
        assertTrue(Dh.isValidPublic(high.subtract(BigInteger.ONE)));
        assertFalse(Dh.isValidPublic(high));
        assertFalse(Dh.isValidPublic(P.subtract(BigInteger.TWO)));
        assertFalse(Dh.isValidPublic(P.subtract(BigInteger.ONE)));
        assertFalse(Dh.isValidPublic(P));
        assertFalse(Dh.isValidPublic(P.add(BigInteger.ONE)));
        assertTrue(Dh.isValidPublic(P.shiftRight(1)));
    }

    @Test
    void generateAndAgree() throws Exception {
        SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
        rnd.setSeed(99);
        Dh.KeyPair s = Dh.generate(rnd);
        Dh.KeyPair c = Dh.generate(rnd);
        assertTrue(s.a().bitLength() <= 2048 && s.a().bitLength() > 1900);
        assertEquals(BigInteger.valueOf(3).modPow(s.a(), P), s.gA());
        assertTrue(Dh.isValidPublic(s.gA()));
        assertNotEquals(s.a(), c.a());
        byte[] k1 = Dh.computeAuthKey(s.a(), c.gA());
        byte[] k2 = Dh.computeAuthKey(c.a(), s.gA());
        assertEquals(256, k1.length);
        assertArrayEquals(k1, k2);
        assertFalse(s.toString().contains(s.a().toString(16).substring(0, 12)));
        assertFalse(s.toString().contains(s.a().toString().substring(0, 12)));
        assertThrows(IllegalArgumentException.class, () -> Dh.computeAuthKey(s.a(), BigInteger.ONE));
        assertThrows(IllegalArgumentException.class, () -> Dh.computeAuthKey(s.a(), P.subtract(BigInteger.ONE)));
    }

    @Test
    void byteConversions() {
        assertArrayEquals(new byte[0], Dh.toUnsignedBytes(BigInteger.ZERO));
        assertArrayEquals(new byte[] {(byte) 0xFF}, Dh.toUnsignedBytes(BigInteger.valueOf(255)));
        assertArrayEquals(new byte[] {1, 0, 1}, Dh.toUnsignedBytes(BigInteger.valueOf(65537)));
        assertEquals(256, Dh.toUnsignedBytes(P).length);
        byte[] padded = Dh.toBytes(BigInteger.valueOf(0x0102), 256);
        assertEquals(256, padded.length);
        assertEquals(1, padded[254]);
        assertEquals(2, padded[255]);
        for (int i = 0; i < 254; i++) {
            assertEquals(0, padded[i]);
        }
        assertEquals(BigInteger.valueOf(0x0102), Dh.fromUnsignedBytes(padded));
        byte[] hi = new byte[] {(byte) 0x80, 0};
        assertEquals(BigInteger.valueOf(0x8000), Dh.fromUnsignedBytes(hi));
        assertThrows(IllegalArgumentException.class, () -> Dh.toBytes(P, 255));
        assertThrows(IllegalArgumentException.class, () -> Dh.toUnsignedBytes(BigInteger.valueOf(-1)));
    }
}
