package io.mtgate.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.transport.TestClient.Item;
import io.mtgate.transport.TestClient.Mode;
import io.mtgate.transport.WebSocketTestClient.Frame;
import io.mtgate.transport.WebSocketTestClient.Response;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MTProto over WebSocket on the transport port (checklist 1.10), through the whole transport
 * pipeline in an {@link io.netty.channel.embedded.EmbeddedChannel}: the upgrade and its refusals,
 * the stream of binary messages cut anywhere, server output as binary messages, transport errors
 * followed by a close frame, control frames, and size limits. Netty's leak detector runs at
 * PARANOID and fails a test that leaks a buffer.
 */
@ExtendWith(LeakDetectionExtension.class)
class WebSocketTransportTest {
    private static final int[] SIZES = {8, 128, 508, 1024, 12};

    private final Random random = new Random(11);
    private final WebSocketTestClient ws = new WebSocketTestClient(random);

    /** A harness whose connection has been upgraded; the 101 response checked and consumed. */
    private Harness upgraded(TransportSettings settings) {
        Harness h = new Harness(settings);
        h.write(ws.upgrade("/apiws", "binary"));
        Response r = WebSocketTestClient.parse(h.written());
        assertEquals(101, r.status(), r.toString());
        assertEquals(ws.expectedAccept(), r.headers().get("sec-websocket-accept"));
        assertEquals("binary", r.headers().get("sec-websocket-protocol"));
        assertEquals(List.of(), r.frames());
        assertTrue(h.channel.isOpen());
        assertEquals(List.of(), h.rejections);
        return h;
    }

    /** Frames written by the server after the upgrade. */
    private static List<Frame> frames(Harness h) {
        h.channel.runPendingTasks(); // a close frame is flushed, and the channel closed, in a later task
        byte[] w = h.written();
        Response r = WebSocketTestClient.parse(
                Harness.concat(List.of("HTTP/1.1 101 x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), w)));
        assertEquals(0, r.trailingBytes(), "a partial frame was written");
        return r.frames();
    }

    /** The server wrote nothing but one close frame with {@code code}, closed, and reported {@code reason}. */
    private static void assertClosedOnlyWith(Harness h, int code, CloseReason reason) {
        List<Frame> out = frames(h);
        assertEquals(1, out.size());
        assertEquals(code, out.get(0).closeCode());
        assertFalse(h.channel.isOpen());
        assertEquals(List.of(reason), h.rejections);
    }

    private static void assertRefused(Harness h, int status) {
        Response r = WebSocketTestClient.parse(h.written());
        assertEquals(status, r.status(), r.toString());
        assertEquals("close", r.headers().get("connection"));
        assertEquals(List.of(), r.frames());
        assertFalse(h.channel.isOpen(), "closed after the refusal");
        assertEquals(List.of(CloseReason.WEBSOCKET_REFUSED), h.rejections);
        assertEquals(List.of(), h.events);
        assertEquals(List.of(), h.takeFrames());
        h.finish();
    }

    record Scenario(TestClient client, byte[] stream, List<byte[]> payloads, List<Boolean> quickAcks) {
    }

    private Scenario scenario(TransportKind kind) {
        TestClient client = new TestClient(kind, Mode.OBFUSCATED, null, 2, random);
        List<byte[]> parts = new ArrayList<>(List.of(client.prologue()));
        List<byte[]> payloads = new ArrayList<>();
        List<Boolean> acks = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            byte[] payload = new byte[SIZES[i]];
            random.nextBytes(payload);
            byte[] padding = new byte[kind == TransportKind.PADDED_INTERMEDIATE ? i * 3 : 0];
            random.nextBytes(padding);
            parts.add(client.frame(payload, i % 2 == 1, padding));
            payloads.add(Harness.concat(List.of(payload, padding)));
            acks.add(i % 2 == 1);
        }
        return new Scenario(client, Harness.concat(parts), payloads, acks);
    }

    private static void assertStream(Harness h, TransportKind kind, Scenario s, String where) {
        assertTrue(h.channel.isOpen(), where);
        assertEquals(List.of(), h.rejections, where);
        assertEquals(List.of(new TransportDetected(kind, true, 2, true)), h.events, where);
        List<Object[]> frames = h.takeFrames();
        assertEquals(s.payloads.size(), frames.size(), where);
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(s.payloads.get(i), (byte[]) frames.get(i)[0], where + " frame " + i);
            assertEquals(s.quickAcks.get(i), frames.get(i)[1], where + " frame " + i);
        }
        List<String> names = h.channel.pipeline().names();
        assertTrue(names.indexOf(PipelineNames.WEBSOCKET_FRAMES) < names.indexOf(PipelineNames.OBFUSCATION_DECODER), where);
        assertTrue(names.indexOf(PipelineNames.FRAMING) < names.indexOf(PipelineNames.WEBSOCKET_ERRORS), where);
        assertFalse(names.contains(PipelineNames.DETECTOR), where);
        assertFalse(names.contains(PipelineNames.WEBSOCKET_UPGRADE), where);
        assertFalse(names.contains(PipelineNames.WEBSOCKET_HTTP_DECODER), where);
        assertFalse(names.contains(PipelineNames.WEBSOCKET_HTTP_ENCODER), where);
    }

    // ------------------------------------------------------------------ the stream

    /** The MTProto stream cut into two binary messages at every point (header and frames span messages). */
    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"ABRIDGED", "INTERMEDIATE", "PADDED_INTERMEDIATE"})
    void messagesCutAtEveryPoint(TransportKind kind) {
        Scenario s = scenario(kind);
        for (int cut = 0; cut <= s.stream.length; cut++) {
            Harness h = upgraded(TransportSettings.defaults());
            h.write(ws.binaryMessages(s.stream, cut));
            assertStream(h, kind, s, "cut " + cut);
            h.finish();
        }
    }

    /** One binary message holding the header and every frame; then one byte per message. */
    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"ABRIDGED", "INTERMEDIATE", "PADDED_INTERMEDIATE"})
    void oneMessageOrOneBytePerMessage(TransportKind kind) {
        Scenario s = scenario(kind);
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.binaryMessages(s.stream));
        assertStream(h, kind, s, "one message");
        h.finish();

        h = upgraded(TransportSettings.defaults());
        int[] everyByte = new int[s.stream.length - 1];
        Arrays.setAll(everyByte, i -> i + 1);
        h.write(ws.binaryMessages(s.stream, everyByte));
        assertStream(h, kind, s, "byte per message");
        h.finish();
    }

    /** The WebSocket bytes themselves split at every point across reads, with fragmented messages. */
    @Test
    void socketReadsCutAtEveryPointWithFragments() {
        Scenario s = scenario(TransportKind.INTERMEDIATE);
        int third = s.stream.length / 3;
        byte[] wire = Harness.concat(List.of(
                ws.frame(WebSocketTestClient.BINARY, false, Arrays.copyOfRange(s.stream, 0, 30)),
                ws.frame(WebSocketTestClient.PING, true, new byte[] {1, 2, 3}), // allowed inside a fragmented message
                ws.frame(WebSocketTestClient.CONTINUATION, false, Arrays.copyOfRange(s.stream, 30, third)),
                ws.frame(WebSocketTestClient.CONTINUATION, true, Arrays.copyOfRange(s.stream, third, 2 * third)),
                ws.frame(WebSocketTestClient.BINARY, true, new byte[0]),
                ws.frame(WebSocketTestClient.BINARY, true, Arrays.copyOfRange(s.stream, 2 * third, s.stream.length))));
        for (int split = 0; split <= wire.length; split++) {
            Harness h = upgraded(TransportSettings.defaults());
            h.write(wire, 0, split).write(wire, split, wire.length);
            assertStream(h, TransportKind.INTERMEDIATE, s, "split " + split);
            List<Frame> out = frames(h);
            assertEquals(1, out.size(), "the pong");
            assertEquals(WebSocketTestClient.PONG, out.get(0).opcode());
            assertArrayEquals(new byte[] {1, 2, 3}, out.get(0).payload());
            h.finish();
        }
    }

    @Test
    void serverOutputLeavesAsBinaryMessagesThroughTheCipher() {
        Scenario s = scenario(TransportKind.ABRIDGED);
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.binaryMessages(s.stream));
        h.takeFrames();
        List<Item> expected = new ArrayList<>();
        for (int size : new int[] {4, 72, 508, 200_000}) {
            byte[] p = new byte[size];
            random.nextBytes(p);
            h.channel.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(p)));
            expected.add(Item.payload(p));
            h.channel.writeAndFlush(new QuickAck(0x8badf00d));
            expected.add(Item.ack(0x8badf00d));
        }
        List<Frame> out = frames(h);
        for (Frame f : out) {
            assertEquals(WebSocketTestClient.BINARY, f.opcode());
            assertTrue(f.fin());
            assertTrue(f.payload().length <= WebSocketTransport.MAX_OUTBOUND_MESSAGE, "message of " + f.payload().length);
        }
        assertTrue(out.size() > 8, "the 200 000-byte frame is cut into several messages");
        assertEquals(expected, s.client.receive(WebSocketTestClient.binaryStream(out)));
        assertTrue(h.channel.isOpen());
        h.finish();
    }

    /** As the application does it: the error, then a close once it is written (checklist 1.7, 1.10). */
    @Test
    void transportErrorThenCloseFrame1000WithTheCode() {
        Scenario s = scenario(TransportKind.INTERMEDIATE);
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.binaryMessages(s.stream));
        h.takeFrames();
        h.channel.writeAndFlush(new TransportError(TransportError.AUTH_KEY_NOT_FOUND))
                .addListener(ChannelFutureListener.CLOSE);
        h.channel.runPendingTasks();
        assertFalse(h.channel.isOpen());
        List<Frame> out = frames(h);
        assertEquals(WebSocketTestClient.BINARY, out.get(0).opcode());
        assertEquals(List.of(Item.payload(TestClient.le(-404))),
                s.client.receive(WebSocketTestClient.binaryStream(out)));
        Frame close = out.get(out.size() - 1);
        assertEquals(WebSocketTestClient.CLOSE, close.opcode());
        assertEquals(1000, close.closeCode());
        assertEquals("-404", close.closeReason());
        assertEquals(2, out.size());
        h.finish();
    }

    @Test
    void closeAfterErrorFlagSendsTheSame() {
        Scenario s = scenario(TransportKind.ABRIDGED);
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.binaryMessages(s.stream));
        h.takeFrames();
        h.channel.writeAndFlush(TransportError.closeAfter(TransportError.FLOOD));
        h.channel.runPendingTasks();
        assertFalse(h.channel.isOpen());
        List<Frame> out = frames(h);
        assertEquals(List.of(Item.payload(TestClient.le(-429))), s.client.receive(WebSocketTestClient.binaryStream(out)));
        assertEquals("-429", out.get(out.size() - 1).closeReason());
        assertEquals(1000, out.get(out.size() - 1).closeCode());
        h.finish();
    }

    /** An MTProxy client naming another DC over WebSocket: -444 through its stream, close 1000 "-444". */
    @Test
    void wrongDcOverWebSocketGets444AndCloseFrame() {
        TestClient client = new TestClient(TransportKind.INTERMEDIATE, Mode.SECRET, Harness.SECRET, 4, random);
        Harness h = upgraded(Harness.settingsWithSecret());
        h.write(ws.binaryMessages(Harness.concat(List.of(client.prologue(), client.frame(new byte[8], false, new byte[0])))));
        List<Frame> out = frames(h);
        assertEquals(List.of(Item.payload(TestClient.le(-444))), client.receive(WebSocketTestClient.binaryStream(out)));
        Frame close = out.get(out.size() - 1);
        assertEquals(1000, close.closeCode());
        assertEquals("-444", close.closeReason());
        assertFalse(h.channel.isOpen());
        assertEquals(List.of(CloseReason.WRONG_DC), h.rejections);
        h.finish();
    }

    /** A close without a transport error (e.g. ping_delay_disconnect) still says goodbye with 1000. */
    @Test
    void plainCloseSendsCloseFrame() {
        Scenario s = scenario(TransportKind.ABRIDGED);
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.binaryMessages(s.stream));
        h.takeFrames();
        h.channel.close();
        List<Frame> out = frames(h);
        assertEquals(1, out.size());
        assertEquals(1000, out.get(0).closeCode());
        assertEquals("", out.get(0).closeReason());
        h.finish();
    }

    // ------------------------------------------------------------------ control and bad frames

    @Test
    void pingIsAnsweredPongIgnoredCloseAnsweredAndClosed() {
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.frame(WebSocketTestClient.PING, true, "hello".getBytes(StandardCharsets.US_ASCII)));
        h.write(ws.frame(WebSocketTestClient.PONG, true, new byte[] {9}));
        List<Frame> out = frames(h);
        assertEquals(1, out.size());
        assertEquals(WebSocketTestClient.PONG, out.get(0).opcode());
        assertEquals("hello", new String(out.get(0).payload(), StandardCharsets.US_ASCII));
        assertTrue(h.channel.isOpen());

        h.write(ws.frame(WebSocketTestClient.CLOSE, true, new byte[] {0x03, (byte) 0xe8}));
        out = frames(h);
        assertEquals(1, out.size());
        assertEquals(WebSocketTestClient.CLOSE, out.get(0).opcode());
        assertEquals(1000, out.get(0).closeCode());
        assertFalse(h.channel.isOpen());
        assertEquals(List.of(), h.rejections, "a client's close is not a rejection");
        h.finish();
    }

    @Test
    void textFrameCloses() {
        Scenario s = scenario(TransportKind.ABRIDGED);
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.binaryMessages(Arrays.copyOf(s.stream, 70)));
        h.write(Harness.concat(List.of(ws.frame(WebSocketTestClient.TEXT, true, "hi".getBytes(StandardCharsets.UTF_8)),
                ws.binaryMessages(Arrays.copyOfRange(s.stream, 70, s.stream.length)))));
        assertClosedOnlyWith(h, 1003, CloseReason.INVALID_FRAME);
        assertEquals(List.of(), h.takeFrames(), "nothing after the text frame is delivered");
        h.finish();
    }

    /** Only the header of a too-large frame: refused before any payload is awaited or buffered. */
    @ParameterizedTest
    @ValueSource(longs = {1024 + WebSocketTransport.FRAME_SLACK + 1, 1L << 40})
    void oversizeFrameClosesBeforeBuffering(long length) {
        Harness h = upgraded(TransportSettings.defaults().withMaxFrameBytes(1024));
        h.write(WebSocketTestClient.headerOnly(WebSocketTestClient.BINARY, length));
        assertClosedOnlyWith(h, 1009, CloseReason.FRAME_TOO_LARGE);
        h.finish();
    }

    /** One message of exactly the limit (largest MTProto frame plus the slack) is accepted. */
    @Test
    void messageAtTheLimitIsAccepted() {
        TransportSettings settings = TransportSettings.defaults().withMaxFrameBytes(1024);
        TestClient client = new TestClient(TransportKind.INTERMEDIATE, Mode.OBFUSCATED, null, 2, random);
        List<byte[]> parts = new ArrayList<>(List.of(client.prologue()));
        // 64 + 4 * (4 + 1024) + (4 + 940) = 1024 + FRAME_SLACK
        for (int size : new int[] {1024, 1024, 1024, 1024, 940}) {
            parts.add(client.frame(new byte[size], false, new byte[0]));
        }
        byte[] message = Harness.concat(parts);
        assertEquals(1024 + WebSocketTransport.FRAME_SLACK, message.length);
        Harness h = upgraded(settings);
        h.write(ws.frame(WebSocketTestClient.BINARY, true, message));
        assertEquals(5, h.takeFrames().size());
        assertEquals(List.of(), h.rejections);
        assertTrue(h.channel.isOpen());
        h.finish();
    }

    @Test
    void unmaskedClientFrameCloses() {
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.frame(WebSocketTestClient.BINARY, true, new byte[8], false));
        List<Frame> out = frames(h);
        assertEquals(1002, out.get(0).closeCode());
        assertFalse(h.channel.isOpen());
        assertEquals(List.of(CloseReason.INVALID_FRAME), h.rejections);
        h.finish();
    }

    /** 1.10: obfuscation is mandatory; a plain start (or HTTP again) inside the WebSocket is refused. */
    @ParameterizedTest
    @ValueSource(strings = {"ef 01 00000000", "eeeeeeee 08000000", "dddddddd 08000000", "14000000 00000000",
            "47455420 2f20", "504f5354 2f20"})
    void plainTransportInsideWebSocketIsRefused(String start) {
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.binaryMessages(Harness.hex(start)));
        assertClosedOnlyWith(h, 1000, CloseReason.UNSUPPORTED_TRANSPORT);
        assertEquals(List.of(), h.events);
        assertEquals(List.of(), h.takeFrames());
        h.finish();
    }

    // ------------------------------------------------------------------ the upgrade request

    @Test
    void testDcPathAndSeveralSubprotocolsAreAccepted() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(ws.upgrade("/apiws_test?x=1", "chat, binary"));
        Response r = WebSocketTestClient.parse(h.written());
        assertEquals(101, r.status());
        assertEquals("binary", r.headers().get("sec-websocket-protocol"));
        h.finish();
    }

    @Test
    void upgradeRequestSplitAtEveryPoint() {
        byte[] request = ws.upgrade("/apiws", "binary");
        for (int split = 0; split <= request.length; split++) {
            Harness h = new Harness(TransportSettings.defaults());
            h.write(request, 0, split).write(request, split, request.length);
            assertEquals(101, WebSocketTestClient.parse(h.written()).status(), "split " + split);
            h.finish();
        }
    }

    /** A client that sends its first messages right behind the request (no wait for the 101). */
    @Test
    void messagesPipelinedBehindTheRequest() {
        Scenario s = scenario(TransportKind.PADDED_INTERMEDIATE);
        Harness h = new Harness(TransportSettings.defaults());
        h.write(Harness.concat(List.of(ws.upgrade("/apiws", "binary"), ws.binaryMessages(s.stream, 10, 100))));
        assertEquals(101, WebSocketTestClient.parse(h.written()).status());
        assertStream(h, TransportKind.PADDED_INTERMEDIATE, s, "pipelined");
        h.finish();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api", "/apiws/x", "/apiwsx", "/APIWS"})
    void otherPathsGet404(String path) {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(ws.upgrade(path, "binary"));
        assertRefused(h, 404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "text", "binaryx", "chat,  superchat"})
    void withoutTheBinarySubprotocolRefused(String protocols) {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(ws.upgrade("/apiws", protocols.isEmpty() ? null : protocols));
        assertRefused(h, 400);
    }

    @Test
    void plainGetIsRefused() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write("GET /apiws HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertRefused(h, 400);
    }

    @Test
    void plainGetOfAnotherPathIs404() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertRefused(h, 404);
    }

    @Test
    void upgradeWithABodyIsRefused() {
        String request = new String(ws.upgrade("/apiws", "binary"), StandardCharsets.US_ASCII)
                .replace("\r\n\r\n", "\r\nContent-Length: 5\r\n\r\nhello");
        Harness h = new Harness(TransportSettings.defaults());
        h.write(request.getBytes(StandardCharsets.US_ASCII));
        assertRefused(h, 400);
    }

    @Test
    void missingKeyIsRefused() {
        String request = new String(ws.upgrade("/apiws", "binary"), StandardCharsets.US_ASCII)
                .replace("Sec-WebSocket-Key: " + ws.key + "\r\n", "");
        Harness h = new Harness(TransportSettings.defaults());
        h.write(request.getBytes(StandardCharsets.US_ASCII));
        assertRefused(h, 400);
    }

    /** RFC 6455 only: an unknown version, an old draft (8) or none (hixie-76) gets 426. */
    @ParameterizedTest
    @ValueSource(strings = {"Sec-WebSocket-Version: 99\r\n", "Sec-WebSocket-Version: 8\r\n", ""})
    void otherVersionsGet426(String versionLine) {
        String request = new String(ws.upgrade("/apiws", "binary"), StandardCharsets.US_ASCII)
                .replace("Sec-WebSocket-Version: 13\r\n", versionLine);
        Harness h = new Harness(TransportSettings.defaults());
        h.write(request.getBytes(StandardCharsets.US_ASCII));
        Response r = WebSocketTestClient.parse(h.written());
        assertEquals("13", r.headers().get("sec-websocket-version"));
        assertEquals(426, r.status());
        assertFalse(h.channel.isOpen());
        h.finish();
    }

    @Test
    void oversizeRequestLineIsRefused() {
        Harness h = new Harness(TransportSettings.defaults());
        // no line end at all: the decoder must give up at its limit, not buffer on
        byte[] line = ("GET /apiws?" + "a".repeat(HttpSettings.defaults().maxHeaderBytes())).getBytes(StandardCharsets.US_ASCII);
        h.write(line);
        assertRefused(h, 414);
    }

    @Test
    void oversizeHeadersAreRefused() {
        String request = new String(ws.upgrade("/apiws", "binary"), StandardCharsets.US_ASCII)
                .replace("\r\n\r\n", "\r\nX-Filler: " + "b".repeat(HttpSettings.defaults().maxHeaderBytes()) + "\r\n\r\n");
        Harness h = new Harness(TransportSettings.defaults());
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes.length && h.channel.isOpen(); i += 1000) {
            h.write(bytes, i, Math.min(bytes.length, i + 1000));
        }
        assertRefused(h, 431);
    }

    /** mtgate.http.max-header-size bounds the upgrade too: a smaller limit refuses what the default accepts. */
    @Test
    void headerLimitIsConfigurable() {
        String request = new String(ws.upgrade("/apiws", "binary"), StandardCharsets.US_ASCII)
                .replace("\r\n\r\n", "\r\nCookie: " + "c".repeat(400) + "\r\n\r\n");
        Harness h = new Harness(TransportSettings.defaults());
        h.write(request.getBytes(StandardCharsets.US_ASCII));
        assertEquals(101, WebSocketTestClient.parse(h.written()).status());
        h.finish();
        HttpSettings d = HttpSettings.defaults();
        TransportSettings small = TransportSettings.defaults().withHttp(
                new HttpSettings(300, d.maxPipelined(), d.maxHold(), d.idleTimeout(), d.corsAllowOrigin(), d.paths()));
        h = new Harness(small);
        h.write(request.getBytes(StandardCharsets.US_ASCII));
        assertRefused(h, 431);
        h = new Harness(small);
        h.write(("GET /apiws?" + "q".repeat(300) + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII));
        assertRefused(h, 414);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET \u0000\u0001\u0002 \r\n\r\n", "GET /apiws HTTP/9.Z\r\n\r\n",
            "GET /apiws HTTP/1.1\r\nContent-Length: x\r\n\r\n"})
    void garbageIsRefused(String request) {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(request.getBytes(StandardCharsets.ISO_8859_1));
        assertRefused(h, 400);
    }

    /** Random bytes after {@code GET }: a refusal or a wait for more, never anything else, never a leak. */
    @Test
    void randomBytesAfterGet() {
        Random r = new Random(99);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[1 + r.nextInt(600)];
            r.nextBytes(junk);
            Harness h = new Harness(TransportSettings.defaults());
            h.write(Harness.concat(List.of("GET ".getBytes(StandardCharsets.US_ASCII), junk)));
            if (!h.channel.isOpen()) {
                assertEquals(List.of(CloseReason.WEBSOCKET_REFUSED), h.rejections);
                assertTrue(WebSocketTestClient.parse(h.written()).status() >= 400);
            } else {
                assertEquals(List.of(), h.rejections);
                h.written();
            }
            assertEquals(List.of(), h.events);
            h.finish();
        }
    }

    /** The handshake timeout covers the upgrade: a request that never completes is closed. */
    @Test
    void unfinishedRequestTimesOut() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write("GET /apiws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(h.channel.isOpen());
        h.channel.advanceTimeBy(31, TimeUnit.SECONDS);
        h.channel.runPendingTasks();
        assertFalse(h.channel.isOpen());
        assertEquals(List.of(CloseReason.HANDSHAKE_TIMEOUT), h.rejections);
        h.finish();
    }

    /** And it keeps running after the upgrade until the first MTProto frame; the close says goodbye. */
    @Test
    void upgradedButSilentTimesOut() {
        Harness h = upgraded(TransportSettings.defaults());
        h.channel.advanceTimeBy(31, TimeUnit.SECONDS);
        h.channel.runPendingTasks();
        assertClosedOnlyWith(h, 1000, CloseReason.HANDSHAKE_TIMEOUT);
        h.finish();
    }

    /** A frame left unfinished inside the WebSocket stream: the stall timeout closes, with a close frame. */
    @Test
    void stalledFrameTimesOut() {
        Scenario s = scenario(TransportKind.INTERMEDIATE);
        Harness h = upgraded(TransportSettings.defaults());
        h.write(ws.binaryMessages(Arrays.copyOf(s.stream, 64 + 12 + 2))); // first frame whole, second begun
        assertEquals(1, h.takeFrames().size());
        h.channel.advanceTimeBy(31, TimeUnit.SECONDS);
        h.channel.runPendingTasks();
        List<Frame> out = frames(h);
        assertEquals(1000, out.get(out.size() - 1).closeCode());
        assertFalse(h.channel.isOpen());
        assertEquals(List.of(CloseReason.FRAME_STALL_TIMEOUT), h.rejections);
        h.finish();
    }
}
