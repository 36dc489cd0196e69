package io.mtgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.authkey.ShippedPostgres;
import io.mtgate.authkey.TestDatabase;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.handshake.TestClient.Variant;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 4's "database down" over the wire: the application on a private PostgreSQL (jar-shipped
 * binaries, its own port and data) that is really stopped. A client whose key the gateway already
 * holds keeps talking; a new handshake gets no dh_gen_ok (the key cannot be written durably: -404,
 * then the connection closes); when the server is started again on the same port and data, the
 * same gateway completes handshakes again, without a restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DatabaseStoppedOverWireTest {
    private static final ShippedPostgres PG;
    private static final TestDatabase DB;
    private static final Path DATA_DIR;

    static {
        try {
            PG = ShippedPostgres.start();
            DB = TestDatabase.postgresqlOn(PG.adminUrl());
            DATA_DIR = Files.createTempDirectory("mtgate-dbdown-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Autowired
    GatewayServer server;

    @Autowired
    HandshakeServices services;

    @Autowired
    DataSource dataSource;

    /** Waits (bounded) until the gateway's connection pool hands out a connection again. */
    private void awaitPoolServes() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (java.sql.Connection c = dataSource.getConnection()) {
                if (c.isValid(1)) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the pool did not reconnect within 20 s", e);
                }
            }
            Thread.sleep(50);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::url);
        registry.add("spring.datasource.username", DB::user);
        registry.add("spring.datasource.password", () -> "");
        // A borrow waits at most 1 s for a connection: a stopped server fails writes, it does not stall them.
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("mtgate.data-dir", DATA_DIR::toString);
        registry.add("mtgate.tcp.host", () -> "127.0.0.1");
        registry.add("mtgate.tcp.port", () -> "0");
        registry.add("mtgate.dc-id", () -> "2");
        registry.add("mtgate.tcp.handshake-timeout", () -> "10s");
        registry.add("mtgate.handshake.precomputed-dh-pairs", () -> "4");
    }

    @AfterAll
    static void cleanUp() {
        try {
            DB.close();
        } finally {
            PG.close();
            try (var files = Files.walk(DATA_DIR)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }

    private WireHandshake handshakeOn(WireClient wire) {
        return new WireHandshake(wire, services.config().rsaKeys().get(0));
    }

    private static void pingPong(WireSession s, long value) {
        long ping = s.send(new Ping(value), false);
        assertThat(s.await(Pong.CONSTRUCTOR_ID, new ArrayList<>()).decoded()).isEqualTo(new Pong(ping, value));
    }

    private long rows(AuthKeyId id) {
        return JdbcClient.create(dataSource).sql("SELECT COUNT(*) FROM auth_keys WHERE auth_key_id = :id")
                .param("id", id.value()).query(Long.class).single();
    }

    @Test
    void knownKeyKeepsWorking_newHandshakeGets404_thenHandshakesResume() throws Exception {
        WireHandshake known;
        long salt;
        try (WireClient wire = WireClient.intermediate(server.boundPort())) {
            known = handshakeOn(wire);
            known.runPermanent();
            salt = known.expectedInitialSalt();
            pingPong(new WireSession(wire, known.authKey(), salt), 1);
        }

        PG.stop();

        try (WireClient wire = WireClient.intermediate(server.boundPort())) {
            pingPong(new WireSession(wire, known.authKey(), salt), 2); // a new connection, the key from memory
        }
        AuthKeyId refused;
        try (WireClient wire = WireClient.intermediate(server.boundPort())) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            hs.reqDh(Variant.PLAIN, 0, 0);
            wire.send(hs.client.setClientDhParams(0));
            wire.expectTransportErrorThenClose(-404); // no dh_gen_ok without a durable write
            refused = hs.keyId();
        }

        PG.launch(); // same port, same data directory
        awaitPoolServes(); // Hikari's own reconnect backoff, not the gateway's: seconds at most
        try (WireClient wire = WireClient.intermediate(server.boundPort())) {
            WireHandshake hs = handshakeOn(wire);
            AuthKeyId id = hs.runPermanent();
            pingPong(new WireSession(wire, hs.authKey(), hs.expectedInitialSalt()), 3);
            assertThat(rows(id)).as("the new key is durable").isEqualTo(1);
        }
        assertThat(rows(known.keyId())).isEqualTo(1);
        assertThat(rows(refused)).as("the refused handshake left nothing").isZero();
    }
}
