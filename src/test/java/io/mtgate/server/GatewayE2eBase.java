package io.mtgate.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.crypto.RsaKey;
import io.mtgate.server.E2eTestBeans.FaultyStore;
import io.mtgate.server.E2eTestBeans.ShiftableClock;
import io.mtgate.transport.TestClient.Mode;
import io.mtgate.transport.TransportKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole application (embedded H2 in a temporary directory, listener on a free port of
 * 127.0.0.1) shared by every end-to-end test class of this package: they all extend this class and
 * add no context configuration, so Spring's context cache starts it once. Tests talk to it only
 * over TCP sockets ({@link WireClient}) and inspect the key store, the SQL tables and the meter
 * registry afterwards. ByteBuf leaks reported by Netty's detector (paranoid in the surefire run)
 * fail the test class they occur in ({@link ClassLeakCheck}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(E2eTestBeans.class)
@ExtendWith(ClassLeakCheck.class)
abstract class GatewayE2eBase {
    static final Path DATA_DIR = tempDir();
    static final int DC = 2;
    static final int MAX_FRAME = 64 * 1024;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    @Autowired
    GatewayServer server;

    /** The real store (what the gateway's {@code AuthKeyStore} wraps). */
    @Autowired
    @Qualifier("mtgateAuthKeyStore")
    AuthKeyStore store;

    @Autowired
    FaultyStore faultyStore;

    @Autowired
    ShiftableClock clock;

    @Autowired
    HandshakeServices services;

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry registry;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("mtgate.data-dir", DATA_DIR::toString);
        registry.add("mtgate.tcp.host", () -> "127.0.0.1");
        registry.add("mtgate.tcp.port", () -> "0");
        registry.add("mtgate.dc-id", () -> Integer.toString(DC));
        registry.add("mtgate.tcp.handshake-timeout", () -> HANDSHAKE_TIMEOUT.toMillis() + "ms");
        registry.add("mtgate.tcp.max-frame-size", () -> MAX_FRAME + "B");
        registry.add("mtgate.handshake.precomputed-dh-pairs", () -> "8");
    }

    @AfterEach
    void resetFaults() {
        faultyStore.fault = FaultyStore.Fault.NONE;
        clock.reset();
    }

    int port() {
        return server.boundPort();
    }

    RsaKey rsaKey() {
        return services.config().rsaKeys().get(0);
    }

    WireClient connect(TransportKind kind, Mode mode) {
        return WireClient.connect(port(), kind, mode);
    }

    WireClient intermediate() {
        return connect(TransportKind.INTERMEDIATE, Mode.PLAIN);
    }

    WireHandshake handshakeOn(WireClient wire) {
        return new WireHandshake(wire, rsaKey());
    }

    long sqlCount(String table, AuthKeyId id) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException(table);
        }
        return JdbcClient.create(dataSource).sql("SELECT COUNT(*) FROM " + table + " WHERE auth_key_id = :id")
                .param("id", id.value()).query(Long.class).single();
    }

    double counter(String name, String... tags) {
        // the sum over every counter of that name carrying these tags (whatever its other tags)
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    double gauge(String name) {
        Gauge g = registry.find(name).gauge();
        if (g == null) {
            throw new AssertionError("no gauge " + name);
        }
        return g.value();
    }

    /** Polls {@code condition} every 20 ms for at most {@code max}. */
    static boolean eventually(Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("mtgate-e2e");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
