package io.mtgate.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.transport.TestClient.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every transport, plain / obfuscated / obfuscated with an MTProxy secret: a sequence of frames
 * (short and long abridged forms, quick-ACK bits, padded frames with 0..255 padding bytes) fed
 * split at every point into two writes, and byte by byte. The server runs with a secret
 * configured, so the plain-obfuscated cases also check that plain keys keep working next to it.
 */
@ExtendWith(LeakDetectionExtension.class)
class FramingSplitTest {
    private static final int[] SIZES = {4, 8, 128, 504, 508, 1024, 12};

    static Stream<Arguments> modes() {
        List<Arguments> out = new ArrayList<>();
        for (TransportKind kind : TransportKind.values()) {
            if (kind == TransportKind.HTTP) {
                continue; // no framing: HttpTransportTest
            }
            for (Mode mode : Mode.values()) {
                if (kind != TransportKind.FULL || mode == Mode.PLAIN) {
                    out.add(Arguments.of(kind, mode));
                }
            }
        }
        return out.stream();
    }

    record Scenario(byte[] stream, List<byte[]> payloads, List<Boolean> quickAcks) {
    }

    static Scenario scenario(TransportKind kind, Mode mode) {
        Random rnd = new Random(kind.ordinal() * 10 + mode.ordinal());
        TestClient client = new TestClient(kind, mode, Harness.SECRET, 2, rnd);
        List<byte[]> parts = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        List<Boolean> acks = new ArrayList<>();
        parts.add(client.prologue());
        for (int i = 0; i < SIZES.length; i++) {
            byte[] payload = new byte[SIZES[i]];
            rnd.nextBytes(payload);
            byte[] padding = new byte[kind == TransportKind.PADDED_INTERMEDIATE ? (i == 3 ? 255 : i * 5 % 16) : 0];
            rnd.nextBytes(padding);
            boolean qa = i % 2 == 1;
            parts.add(client.frame(payload, qa, padding));
            payloads.add(Harness.concat(List.of(payload, padding)));
            acks.add(qa);
        }
        return new Scenario(Harness.concat(parts), payloads, acks);
    }

    @ParameterizedTest
    @MethodSource("modes")
    void everySplitPoint(TransportKind kind, Mode mode) {
        Scenario s = scenario(kind, mode);
        for (int split = 0; split <= s.stream.length; split++) {
            Harness h = new Harness(Harness.settingsWithSecret());
            h.write(s.stream, 0, split).write(s.stream, split, s.stream.length);
            check(h, kind, mode, s, "split " + split);
            h.finish();
        }
    }

    @ParameterizedTest
    @MethodSource("modes")
    void byteByByte(TransportKind kind, Mode mode) {
        Scenario s = scenario(kind, mode);
        Harness h = new Harness(Harness.settingsWithSecret());
        for (int i = 0; i < s.stream.length; i++) {
            h.write(s.stream, i, i + 1);
        }
        check(h, kind, mode, s, "byte by byte");
        h.finish();
    }

    private static void check(Harness h, TransportKind kind, Mode mode, Scenario s, String where) {
        assertTrue(h.channel.isOpen(), where);
        assertEquals(List.of(), h.rejections, where);
        assertEquals(1, h.events.size(), where);
        TransportDetected d = (TransportDetected) h.events.get(0);
        assertEquals(kind, d.kind(), where);
        assertEquals(mode != Mode.PLAIN, d.obfuscated(), where);
        assertEquals(mode == Mode.PLAIN ? 0 : 2, d.dcId(), where);
        List<Object[]> frames = h.takeFrames();
        assertEquals(s.payloads.size(), frames.size(), where);
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(s.payloads.get(i), (byte[]) frames.get(i)[0], where + " frame " + i);
            assertEquals(s.quickAcks.get(i), frames.get(i)[1], where + " frame " + i);
        }
        // Pipeline after detection.
        List<String> names = h.channel.pipeline().names();
        assertTrue(names.indexOf(PipelineNames.FRAMING) < names.indexOf(PipelineNames.APPLICATION), where);
        assertEquals(-1, names.indexOf(PipelineNames.DETECTOR), where);
        assertEquals(mode != Mode.PLAIN, names.contains(PipelineNames.OBFUSCATION_DECODER), where);
    }
}
