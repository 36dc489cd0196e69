package io.mtgate.tl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mtgate.tl.mtproto.Schema;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Jazzer target for TL decoding of untrusted bytes. Regression mode ({@code mvn test}) runs the
 * seeds in {@code src/test/resources/io/mtgate/tl/TlDecodeFuzzTestInputs/boxedObject/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes. Invariants: the only failure is {@link TlDecodeException};
 * the reader never reads past the input; whatever decodes re-encodes to as many bytes as it
 * consumed, and that encoding decodes and re-encodes to itself (the generated codecs are inverse
 * of each other; the input may differ only in padding bytes, which TL readers ignore).
 */
class TlDecodeFuzzTest {
    private static final TlLimits LIMITS = new TlLimits(4096, 256, 16);

    @FuzzTest(maxDuration = "60s")
    void boxedObject(byte[] input) {
        ByteBuf buf = Unpooled.wrappedBuffer(input);
        TlReader reader = new TlReader(buf, LIMITS, Schema.REGISTRY);
        TlObject decoded;
        try {
            decoded = reader.readObject();
        } catch (TlDecodeException expected) {
            assertTrue(buf.readerIndex() <= input.length);
            return;
        }
        int consumed = buf.readerIndex();
        byte[] reencoded = Tl.serialize(decoded);
        assertEquals(consumed, reencoded.length, () -> "re-encoded length differs for " + decoded);
        byte[] again = Tl.serialize(Tl.deserialize(reencoded, Schema.REGISTRY, LIMITS));
        assertArrayEquals(reencoded, again, () -> "encoding is not stable for " + decoded);
    }
}
