package io.mtgate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShaAndConstantTimeTest {
    @Test
    void knownDigests() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", Hex.hex(Sha.sha1(abc)));
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d",
                Hex.hex(Sha.sha1(new byte[] {'a'}, new byte[0], new byte[] {'b', 'c'})));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex.hex(Sha.sha256(abc)));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Hex.hex(Sha.sha256(new byte[] {'x', 'a', 'b', 'c', 'y'}, 1, 3)));
        assertEquals("da39a3ee5e6b4b0d3255bfef95601890afd80709", Hex.hex(Sha.sha1()));
    }

    @Test
    void constantTimeEquals() {
        byte[] a = {1, 2, 3, 4};
        assertTrue(ConstantTime.equals(a, new byte[] {1, 2, 3, 4}));
        assertFalse(ConstantTime.equals(a, new byte[] {1, 2, 3, 5}));
        assertFalse(ConstantTime.equals(a, new byte[] {1, 2, 3}));
        assertFalse(ConstantTime.equals(a, null));
        assertTrue(ConstantTime.equals(a, 1, new byte[] {9, 9, 2, 3}, 2, 2));
        assertFalse(ConstantTime.equals(a, 1, new byte[] {9, 9, 2, 4}, 2, 2));
        assertTrue(ConstantTime.equals(a, 0, a, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> ConstantTime.equals(a, 2, a, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> ConstantTime.equals(a, 0, a, 0, -1));
    }
}
