package io.mtgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AesCtrTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Checklist A.12: the client-decrypt (= server-encrypt) stream at offset 0. */
    @Test
    void vectorA12() {
        AesCtr ctr = new AesCtr(HEX.parseHex("b2046c5af17d0e09b8a4c74ae4afdc6ea67ef1583be1fa8d89ecdb889e6df105"),
                HEX.parseHex("eb59dab6f024063539aaeec22710be46"));
        assertArrayEquals(HEX.parseHex("8f711982"), ctr.update(HEX.parseHex("61626364")));
    }

    /** The keystream continues across calls of any size and across the array/ByteBuffer forms. */
    @Test
    void streamIsContinuousAcrossPieces() {
        byte[] key = new byte[32];
        byte[] iv = new byte[16];
        Random r = new Random(1);
        r.nextBytes(key);
        r.nextBytes(iv);
        byte[] data = new byte[1000];
        r.nextBytes(data);
        byte[] whole = new AesCtr(key, iv).update(data);
        AesCtr pieces = new AesCtr(key, iv);
        byte[] out = data.clone();
        int off = 0;
        int step = 1;
        while (off < data.length) {
            int n = Math.min(step, data.length - off);
            if (step % 2 == 0) {
                pieces.update(out, off, n, out, off); // in place
            } else {
                ByteBuffer dst = ByteBuffer.allocateDirect(n);
                pieces.update(ByteBuffer.wrap(data, off, n), dst);
                dst.flip().get(out, off, n);
            }
            off += n;
            step = step * 3 % 37 + 1;
        }
        assertArrayEquals(whole, out);
        assertArrayEquals(data, new AesCtr(key, iv).update(whole));
    }

    @Test
    void rejectsBadKeySizes() {
        assertThrows(IllegalArgumentException.class, () -> new AesCtr(new byte[16], new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> new AesCtr(new byte[32], new byte[8]));
    }
}
