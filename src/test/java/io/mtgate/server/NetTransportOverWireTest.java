package io.mtgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtgate.authkey.InMemoryAuthKeyStore;
import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import io.mtgate.transport.TestClient.Mode;
import io.mtgate.transport.TransportKind;
import io.mtgate.transport.TransportSettings;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The listener on each kernel interface ({@code mtgate.tcp.transport}): a handshake, encrypted
 * pings and quick ACKs over real sockets, plain and obfuscated. Everything else runs on the
 * default (AUTO) in the other over-the-wire tests.
 */
class NetTransportOverWireTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static RsaKey rsa;

    @BeforeAll
    static void key() {
        rsa = RsaKey.generate(RANDOM, 2048);
    }

    @AfterAll
    static void forget() {
        rsa = null;
    }

    static GatewayServer server(NetTransport transport) {
        HandshakeServices services = new HandshakeServices(
                new HandshakeConfig(List.of(rsa), WireClient.DC, Duration.ofDays(1), Duration.ofMinutes(10), 8),
                DhKeySource.onDemand(RANDOM), RANDOM, InstantSource.system(), new InMemoryAuthKeyStore(),
                Runnable::run, GatewayEvents.NONE);
        ConnectionRateLimiter off = new ConnectionRateLimiter(0, Duration.ofSeconds(1), 1, InstantSource.system());
        return new GatewayServer("127.0.0.1", 0, TransportSettings.defaults(), services, TestSessionServices.create(),
                off, 2, transport);
    }

    /** io_uring and epoll are kernel features: off CI a machine without them skips, in CI it fails. */
    static void requireAvailable(NetTransport transport) {
        boolean available = switch (transport) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            default -> true;
        };
        if (!available && System.getenv("CI") == null) {
            Assumptions.abort(transport + " is unavailable on this machine");
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"IO_URING, INTERMEDIATE, PLAIN", "IO_URING, ABRIDGED, OBFUSCATED", "IO_URING, PADDED_INTERMEDIATE, PLAIN",
            "EPOLL, INTERMEDIATE, PLAIN", "EPOLL, ABRIDGED, OBFUSCATED",
            "NIO, INTERMEDIATE, PLAIN", "NIO, ABRIDGED, OBFUSCATED"})
    void handshakePingsAndQuickAcks(NetTransport transport, TransportKind kind, Mode mode) {
        requireAvailable(transport);
        try (GatewayServer server = server(transport)) {
            server.start();
            assertThat(server.transport()).isEqualTo(transport);
            try (WireClient wire = WireClient.connect(server.boundPort(), kind, mode)) {
                WireHandshake hs = new WireHandshake(wire, rsa);
                hs.runPermanent();
                WireSession s = new WireSession(wire, hs.authKey(), hs.expectedInitialSalt());
                long ping = s.send(new Ping(7), false);
                assertThat(s.await(Pong.CONSTRUCTOR_ID, new ArrayList<>()).decoded()).isEqualTo(new Pong(ping, 7));

                // many requests in flight with quick ACKs: every pong and every token arrives, in one stream
                WireSession.PingRun run = s.pingsWithQuickAcks(200);
                assertThat(run.answered()).isEqualTo(run.pings());
                assertThat(run.tokens()).isEqualTo(run.expectedTokens());
            }
        }
    }

    @Test
    void autoPicksEpollWhereAvailable() {
        NetTransport expected = Epoll.isAvailable() ? NetTransport.EPOLL : NetTransport.NIO;
        assertThat(NetTransport.AUTO.resolve()).isEqualTo(expected);
        try (GatewayServer server = server(NetTransport.AUTO)) {
            server.start();
            assertThat(server.transport()).isEqualTo(expected);
        }
    }

    @Test
    void resolveNamesWhatIsMissing() {
        Throwable noUring = new UnsupportedOperationException("io_uring_setup: Operation not permitted");
        Throwable noEpoll = new UnsupportedOperationException("not Linux");
        assertThat(NetTransport.AUTO.resolve(null, null)).isEqualTo(NetTransport.EPOLL);
        assertThat(NetTransport.AUTO.resolve(noUring, null)).isEqualTo(NetTransport.EPOLL);
        assertThat(NetTransport.AUTO.resolve(noUring, noEpoll)).isEqualTo(NetTransport.NIO);
        assertThat(NetTransport.IO_URING.resolve(null, noEpoll)).isEqualTo(NetTransport.IO_URING);
        assertThat(NetTransport.EPOLL.resolve(noUring, null)).isEqualTo(NetTransport.EPOLL);
        assertThat(NetTransport.NIO.resolve(noUring, noEpoll)).isEqualTo(NetTransport.NIO);
        assertThatThrownBy(() -> NetTransport.IO_URING.resolve(noUring, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mtgate.tcp.transport=io_uring").hasMessageContaining("Operation not permitted");
        assertThatThrownBy(() -> NetTransport.EPOLL.resolve(null, noEpoll))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mtgate.tcp.transport=epoll").hasMessageContaining("not Linux");
    }
}
