package io.mtgate.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jazzer targets. In regression mode (plain {@code mvn test}) they run the committed seeds under
 * {@code src/test/resources/io/mtgate/transport/TransportFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} they fuzz. Invariants: no exception escapes the pipeline, no decoded frame
 * exceeds the limit, the bytes held back never exceed one maximal frame (+ header), no leak (the
 * extension checks after the run).
 */
@ExtendWith(LeakDetectionExtension.class)
class TransportFuzzTest {
    private static final int MAX = 4096;
    private static final TransportSettings SETTINGS =
            new TransportSettings(MAX, Duration.ofSeconds(30), Duration.ofSeconds(30), List.of(Harness.SECRET), 2);

    /** Arbitrary bytes in arbitrary pieces into a fresh connection. */
    @FuzzTest(maxDuration = "60s")
    void detectionAndFraming(FuzzedDataProvider data) {
        Harness h = new Harness(SETTINGS, new Random(0));
        try {
            while (data.remainingBytes() > 0 && h.channel.isOpen()) {
                int piece = data.consumeInt(1, 2 * MAX);
                h.write(data.consumeBytes(piece));
                h.channel.checkException(); // nothing reached the tail as an exception
                checkInvariants(h);
            }
            h.channel.close();
            h.channel.checkException();
        } finally {
            h.finish();
        }
    }

    /**
     * A valid obfuscated2 client (kind, mode from the input) followed by fuzzed frames; the server
     * must decode exactly what the client framed or close, never fail in another way.
     */
    @FuzzTest(maxDuration = "60s")
    void obfuscatedStream(FuzzedDataProvider data) {
        TransportKind kind = data.pickValue(new TransportKind[] {TransportKind.ABRIDGED, TransportKind.INTERMEDIATE,
                TransportKind.PADDED_INTERMEDIATE});
        TestClient.Mode mode = data.pickValue(new TestClient.Mode[] {TestClient.Mode.OBFUSCATED, TestClient.Mode.SECRET});
        TestClient client = new TestClient(kind, mode, Harness.SECRET, 2, new Random(data.consumeLong()));
        Harness h = new Harness(SETTINGS, new Random(0));
        try {
            h.write(client.prologue());
            int sent = 0;
            while (data.remainingBytes() > 0 && h.channel.isOpen()) {
                if (data.consumeBoolean()) {
                    byte[] payload = data.consumeBytes(data.consumeInt(1, 300) * 4);
                    if (payload.length == 0 || payload.length % 4 != 0) {
                        continue;
                    }
                    h.write(client.frame(payload, data.consumeBoolean(), data.consumeBytes(data.consumeInt(0, 20))));
                    sent++;
                    assertEquals(sent, h.frames.size() + countTaken, "frame " + sent + " decoded");
                } else {
                    h.write(data.consumeBytes(data.consumeInt(1, 64))); // raw garbage into the cipher stream
                    sent = -1_000_000; // no exact count any more
                }
                h.channel.checkException();
                checkInvariants(h);
            }
        } finally {
            countTaken = 0;
            h.finish();
        }
    }

    /**
     * After a valid WebSocket upgrade: either arbitrary bytes in arbitrary pieces (frames of any
     * shape, any opcode, any length), or a valid obfuscated client whose stream is cut into binary
     * messages at fuzzed points, which must all be decoded with the connection left open.
     */
    @FuzzTest(maxDuration = "60s")
    void webSocketStream(FuzzedDataProvider data) {
        Harness h = new Harness(SETTINGS, new Random(0));
        WebSocketTestClient ws = new WebSocketTestClient(new Random(1));
        try {
            h.write(ws.upgrade("/apiws", "binary"));
            h.written();
            if (data.consumeBoolean()) {
                while (data.remainingBytes() > 0 && h.channel.isOpen()) {
                    h.write(data.consumeBytes(data.consumeInt(1, 2 * MAX)));
                    h.channel.runPendingTasks();
                    h.channel.checkException();
                    checkInvariants(h);
                    h.written();
                }
            } else {
                TestClient client = new TestClient(TransportKind.INTERMEDIATE, TestClient.Mode.OBFUSCATED, null, 2,
                        new Random(data.consumeLong()));
                java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
                stream.writeBytes(client.prologue());
                int frames = data.consumeInt(0, 20);
                for (int i = 0; i < frames; i++) {
                    stream.writeBytes(client.frame(new byte[data.consumeInt(1, MAX / 4) * 4], data.consumeBoolean(),
                            new byte[0]));
                }
                byte[] bytes = stream.toByteArray();
                for (int from = 0; from < bytes.length; ) {
                    int to = Math.min(bytes.length, from + data.consumeInt(1, MAX));
                    h.write(ws.frame(WebSocketTestClient.BINARY, true, java.util.Arrays.copyOfRange(bytes, from, to)));
                    from = to;
                }
                h.channel.checkException();
                checkInvariants(h);
                assertTrue(h.channel.isOpen(), "a valid stream keeps the connection");
                assertEquals(List.of(), h.rejections);
                assertEquals(frames, countTaken, "every frame decoded");
            }
        } finally {
            countTaken = 0;
            h.finish();
        }
    }

    private int countTaken;

    private void checkInvariants(Harness h) {
        for (InboundFrame f : h.frames) {
            assertTrue(f.content().readableBytes() <= MAX, "frame over the limit");
        }
        countTaken += h.takeFrames().size();
        AbstractTransportDecoder d = (AbstractTransportDecoder) h.channel.pipeline().get(PipelineNames.FRAMING);
        if (d == null) {
            d = (AbstractTransportDecoder) h.channel.pipeline().get(PipelineNames.DETECTOR);
        }
        if (d != null && h.channel.isOpen()) {
            assertTrue(d.bufferedBytes() <= MAX + 12, "buffered " + d.bufferedBytes());
        }
        if (!h.channel.isOpen()) {
            // a WebSocket client may close on its own (a close frame): no reason then
            assertTrue(h.rejections.size() == 1 || h.rejections.isEmpty()
                    && h.channel.pipeline().get(PipelineNames.WEBSOCKET_FRAMES) != null,
                    "a closed connection has exactly one reason: " + h.rejections);
        }
    }
}
