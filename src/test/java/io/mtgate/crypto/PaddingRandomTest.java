package io.mtgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PaddingRandomTest {
    @Test
    void bytesLookUniformAcrossRefillsAndReseeds() {
        PaddingRandom r = new PaddingRandom();
        long[] counts = new long[256];
        byte[] chunk = new byte[1000]; // not a divisor of the buffer: reads straddle refills
        long total = 0;
        for (int i = 0; i < 1200; i++) { // 1.2 MB: past RESEED_BYTES once
            r.nextBytes(chunk, 0, chunk.length);
            for (byte b : chunk) {
                counts[b & 0xff]++;
            }
            total += chunk.length;
        }
        assertTrue(total > PaddingRandom.RESEED_BYTES);
        double expected = total / 256.0;
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        // 255 degrees of freedom: mean 255, sd ~22.6; 400 is > 6 sd out
        assertTrue(chi2 < 400, "chi-square " + chi2);
    }

    @Test
    void noRepeatedBlocksAndGeneratorsDiffer() {
        PaddingRandom a = new PaddingRandom();
        PaddingRandom b = new PaddingRandom();
        Set<String> seen = new HashSet<>();
        byte[] x = new byte[16];
        for (int i = 0; i < 3 * PaddingRandom.BUFFER / 16; i++) {
            a.nextBytes(x);
            assertTrue(seen.add(Arrays.toString(x)), "16-byte block repeated");
            b.nextBytes(x);
            assertTrue(seen.add(Arrays.toString(x)), "16-byte block repeated across generators");
        }
    }

    @Test
    void nextLongAndBoundedIntsAcrossBufferEnds() {
        PaddingRandom r = new PaddingRandom();
        Set<Long> longs = new HashSet<>();
        int[] hist = new int[5];
        for (int i = 0; i < 20_000; i++) {
            longs.add(r.nextLong());
            hist[r.nextInt(5)]++;
            r.nextBytes(new byte[i % 13], 0, i % 13);
        }
        assertEquals(20_000, longs.size());
        for (int h : hist) {
            assertTrue(h > 3_500 && h < 4_500, Arrays.toString(hist));
        }
    }

    @Test
    void onePerThread() throws Exception {
        PaddingRandom mine = PaddingRandom.current();
        assertSame(mine, PaddingRandom.current());
        AtomicReference<PaddingRandom> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(PaddingRandom.current()));
        t.start();
        t.join();
        assertNotSame(mine, other.get());
        assertFalse(other.get() == null);
    }

    /** The buffer fill hands out the same stream as the array fill, at absolute indices, across refills. */
    @Test
    void bufferFillIsTheSameStreamAndLeavesTheRestAlone() {
        byte[] k = new byte[32];
        k[0] = 7;
        PaddingRandom a = new PaddingRandom(k);
        PaddingRandom b = new PaddingRandom(k);
        java.nio.ByteBuffer d = java.nio.ByteBuffer.allocateDirect(3 * PaddingRandom.BUFFER);
        d.position(5);
        byte[] expected = new byte[d.capacity() - 20];
        a.nextBytes(expected, 0, expected.length);
        b.nextBytes(d, 10, expected.length);
        assertEquals(5, d.position(), "position untouched");
        byte[] got = new byte[expected.length];
        d.get(10, got);
        assertArrayEquals(expected, got);
        for (int i : new int[] {0, 9, d.capacity() - 10, d.capacity() - 1}) {
            assertEquals(0, d.get(i));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> b.nextBytes(d, d.capacity() - 3, 4));
    }

    @Test
    void rangeChecked() {
        PaddingRandom r = new PaddingRandom();
        assertThrows(IndexOutOfBoundsException.class, () -> r.nextBytes(new byte[4], 2, 3));
    }
}
