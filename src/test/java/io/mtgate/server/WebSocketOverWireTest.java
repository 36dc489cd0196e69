package io.mtgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mtgate.authkey.InMemoryAuthKeyStore;
import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.metrics.MicrometerGatewayEvents;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import io.mtgate.transport.LeakDetectionExtension;
import io.mtgate.transport.TransportKind;
import io.mtgate.transport.TransportSettings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MTProto over WebSocket against the real listener (checklist 1.10), on the same port as plain
 * TCP, with the JDK's own WebSocket client ({@code java.net.http}) carrying the tests' own
 * obfuscated framing: a handshake, encrypted pings, 200 pings with quick ACKs, and -404 ending
 * with a close frame 1000 "-404". The transport metric tells WebSocket connections apart.
 */
class WebSocketOverWireTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static RsaKey rsa;
    static SimpleMeterRegistry meters;
    static GatewayServer server;

    @BeforeAll
    static void start() {
        LeakDetectionExtension.collectLeaks(); // only this class's leaks count
        rsa = RsaKey.generate(RANDOM, 2048);
        meters = new SimpleMeterRegistry();
        HandshakeServices services = new HandshakeServices(
                new HandshakeConfig(List.of(rsa), WireClient.DC, Duration.ofDays(1), Duration.ofMinutes(10), 8),
                DhKeySource.onDemand(RANDOM), RANDOM, InstantSource.system(), new InMemoryAuthKeyStore(),
                Runnable::run, new MicrometerGatewayEvents(meters));
        ConnectionRateLimiter off = new ConnectionRateLimiter(0, Duration.ofSeconds(1), 1, InstantSource.system());
        server = new GatewayServer("127.0.0.1", 0, TransportSettings.defaults(), services, TestSessionServices.create(),
                off, 2, NetTransport.AUTO);
        server.start();
    }

    /** After every connection is gone (server closed): no buffer leaked (the detector runs at PARANOID). */
    @AfterAll
    static void stopAndCheckLeaks() {
        server.close();
        server = null;
        rsa = null;
        List<String> leaks = LeakDetectionExtension.collectLeaks();
        assertThat(leaks).as("ByteBuf leaks").isEmpty();
    }

    private static double detected(String kind, String webSocket) {
        return meters.find("mtproto.transports.detected").tags("transport", kind, "websocket", webSocket)
                .counters().stream().mapToDouble(Counter::count).sum();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TransportKind.class, names = {"ABRIDGED", "INTERMEDIATE", "PADDED_INTERMEDIATE"})
    void handshakePingsQuickAcksAndMinus404(TransportKind kind) {
        String tag = kind.name().toLowerCase(java.util.Locale.ROOT);
        double before = detected(tag, "true");
        try (WireClient wire = WireClient.webSocket(server.boundPort(), kind);
             WireClient tcp = WireClient.intermediate(server.boundPort())) {
            WireHandshake hs = new WireHandshake(wire, rsa);
            hs.runPermanent();
            WireSession s = new WireSession(wire, hs.authKey(), hs.expectedInitialSalt());
            long ping = s.send(new Ping(7), false);
            assertThat(s.await(Pong.CONSTRUCTOR_ID, new ArrayList<>()).decoded()).isEqualTo(new Pong(ping, 7));
            assertThat(detected(tag, "true")).isEqualTo(before + 1);

            // the same key on plain TCP, same port, at the same time
            WireSession overTcp = new WireSession(tcp, hs.authKey(), s.salt);
            long tcpPing = overTcp.send(new Ping(8), false);
            assertThat(overTcp.await(Pong.CONSTRUCTOR_ID, new ArrayList<>()).decoded()).isEqualTo(new Pong(tcpPing, 8));

            WireSession.PingRun run = s.pingsWithQuickAcks(200);
            assertThat(run.answered()).isEqualTo(run.pings());
            assertThat(run.tokens()).isEqualTo(run.expectedTokens());

            // a key the server does not know: -404 through the stream, then close 1000 "-404"
            byte[] unknown = new byte[256];
            RANDOM.nextBytes(unknown);
            new WireSession(wire, unknown, 0).send(new Ping(9), false);
            wire.expectTransportErrorThenClose(-404);
            assertThat(wire.closeCode).isEqualTo(1000);
            assertThat(wire.closeReason).isEqualTo("-404");
        }
    }

    @Test
    void otherPathsAndMissingSubprotocolAreRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        WebSocket.Listener idle = new WebSocket.Listener() {
        };
        assertThatThrownBy(() -> http.newWebSocketBuilder().subprotocols("binary")
                .buildAsync(URI.create("ws://127.0.0.1:" + server.boundPort() + "/api"), idle).get(10, TimeUnit.SECONDS))
                .hasStackTraceContaining("status code 404");
        assertThatThrownBy(() -> http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.boundPort() + "/apiws"), idle).get(10, TimeUnit.SECONDS))
                .hasStackTraceContaining("status code 400");

        assertThat(rawGet("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 404 ");
        assertThat(rawGet("GET /apiws HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400 ");
    }

    /** Everything the server sends to {@code request} until it closes (it must close). */
    private static String rawGet(String request) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.boundPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.US_ASCII);
        }
    }
}
