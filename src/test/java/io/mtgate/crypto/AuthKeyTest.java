package io.mtgate.crypto;

import static io.mtgate.crypto.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class AuthKeyTest {
    static String le(long v) {
        return hex(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    /** A.5 */
    @Test
    void telethonHelpers() {
        AuthKey k = new AuthKey(Hex.seq(0, 256));
        assertEquals("32d1586ea457dfc8", le(k.id().value()));
        assertEquals("4916d6bdb7f78e68", le(k.auxHash()));
        assertEquals("4916d6bdb7f78e68", hex(k.auxHashBytes()));
        byte[] nn = Hex.seq(0, 32);
        assertEquals("c2ced2b33e593a55d27f4a5dabee7c67", hex(k.newNonceHash(nn, 1)));
        assertEquals("f4318e85bd2ff3be84d9fefce3dce39f", hex(k.newNonceHash(nn, 2)));
        assertEquals("4bf9d7b37db413ee431d28517631cb3d", hex(k.newNonceHash(nn, 3)));
        // Telethon states hash1 as a big-endian integer
        assertEquals(new BigInteger("258944117842285651226187582903746985063"), new BigInteger(1, k.newNonceHash(nn, 1)));
    }

    /** A.9 derived values. */
    @Test
    void officialSampleDerived() {
        AuthKey k = new AuthKey(MtprotoKdfTest.A9_AUTH_KEY);
        byte[] nn = hex("264f835b0b7bdff9c6ed6cf819fd6df5dcd17e90d67add2c2c1e3775c7a6a0ac");
        assertEquals("0438720625f291f6", le(k.id().value()));
        assertEquals("2f3107216012e3f6", le(k.auxHash()));
        assertEquals("51070b3db672b7602e4ee2fe761b36a2", hex(k.newNonceHash(nn, 1)));
        assertEquals("794ad269e516e2908373e4933518b092", hex(k.newNonceHash(nn, 2)));
        assertEquals("13ad218aca902a727262362b77b54fa6", hex(k.newNonceHash(nn, 3)));
    }

    @Test
    void copiesChecksAndHidesBytes() {
        byte[] raw = Hex.seq(7, 256);
        AuthKey k = new AuthKey(raw);
        raw[0] = 99;
        assertEquals(7, k.bytes()[0]);
        byte[] b = k.bytes();
        b[1] = 0;
        assertEquals(8, k.bytes()[1]);
        assertNotSame(k.bytes(), k.bytes());
        assertArrayEquals(Hex.seq(7, 256), k.bytes());
        String s = k.toString();
        assertFalse(s.contains("0708090a"), s);
        assertFalse(s.toLowerCase().contains(hex(Hex.seq(7, 4))), s);
        assertTrue(s.contains(Long.toString(k.id().value())));
        assertEquals(new AuthKey(Hex.seq(7, 256)), k);
        assertThrows(IllegalArgumentException.class, () -> new AuthKey(new byte[255]));
        assertThrows(IllegalArgumentException.class, () -> new AuthKey(new byte[257]));
        assertThrows(IllegalArgumentException.class, () -> k.newNonceHash(new byte[16], 1));
        assertThrows(IllegalArgumentException.class, () -> k.newNonceHash(new byte[32], 4));
    }
}
