package io.mtgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.MtgateApplication;
import io.mtgate.authkey.RedisTestServer;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.session.SessionManager;
import io.mtgate.tl.mtproto.DestroyAuthKey;
import io.mtgate.tl.mtproto.DestroyAuthKeyOk;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * destroy_auth_key really deletes the key everywhere: two gateway nodes share one database and one
 * Redis; a client holds an open connection with its key on node B and destroys the key through
 * node A. Node B ends its sessions of the key when A's announcement arrives, and the next message
 * on B's open connection gets -404, as it would on A.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DestroyedKeyAcrossNodesTest {
    private RedisTestServer redis;
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;

    @BeforeAll
    void startTwoNodes() throws Exception {
        redis = RedisTestServer.start();
        String db = "jdbc:h2:mem:twonodes" + UUID.randomUUID().toString().substring(0, 8)
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;DB_CLOSE_DELAY=-1";
        Path dirA = Files.createTempDirectory("mtgate-node-a-");
        Path dirB = Files.createTempDirectory("mtgate-node-b-");
        Path secret = dirA.resolve("salt-secret");
        a = node(dirA, db, dirA.resolve("rsa").resolve("server.pem"), secret);
        b = node(dirB, db, dirA.resolve("rsa").resolve("server.pem"), secret); // A generated the RSA key
    }

    private ConfigurableApplicationContext node(Path dir, String db, Path rsa, Path secret) {
        // command-line arguments: they win over application.properties (builder properties would not)
        return new SpringApplicationBuilder(MtgateApplication.class).run(
                "--spring.main.web-application-type=none",
                "--mtgate.data-dir=" + dir,
                "--mtgate.tcp.host=127.0.0.1",
                "--mtgate.tcp.port=0",
                "--mtgate.dc-id=2",
                "--mtgate.handshake.precomputed-dh-pairs=2",
                "--mtgate.rsa.key-files=" + rsa,
                "--mtgate.session.salts.secret-file=" + secret,
                "--spring.datasource.url=" + db,
                "--mtgate.redis.enabled=true",
                "--mtgate.redis.value-secret=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "--spring.data.redis.host=127.0.0.1",
                "--spring.data.redis.port=" + redis.port,
                "--spring.data.redis.timeout=1s");
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static int port(ConfigurableApplicationContext node) {
        return node.getBean(GatewayServer.class).boundPort();
    }

    @Test
    void aKeyDestroyedOnOneNodeGets404OnAnOpenConnectionOfTheOtherNode() throws Exception {
        WireClient hsWire = WireClient.intermediate(port(a));
        WireHandshake hs = new WireHandshake(hsWire, a.getBean(HandshakeServices.class).config().rsaKeys().get(0));
        AuthKeyId id = hs.runPermanent();
        WireSession onA = new WireSession(hsWire, hs.authKey(), hs.expectedInitialSalt());

        // B learns of A's new key through the invalidation channel (about a millisecond)
        io.mtgate.authkey.AuthKeyStore storeOfB = b.getBean(io.mtgate.authkey.AuthKeyStorage.class).store();
        long known = System.nanoTime() + 10_000_000_000L;
        while (storeOfB.find(id).isEmpty() && System.nanoTime() < known) {
            Thread.sleep(20);
        }
        assertThat(storeOfB.find(id)).as("B finds the key; B: " + b.getBean(io.mtgate.authkey.AuthKeyStorage.class).health()
                + " A: " + a.getBean(io.mtgate.authkey.AuthKeyStorage.class).health()).isPresent();
        // the DH salt is known on A only (B would answer bad_server_salt); the derived salt is shared
        long salt = b.getBean(io.mtgate.session.SaltSource.class).current(id, java.time.Instant.now());
        WireSession onB = new WireSession(WireClient.intermediate(port(b)), hs.authKey(), salt);
        onB.send(new Ping(7), false);
        assertThat(((Pong) onB.await(Pong.CONSTRUCTOR_ID, new ArrayList<>()).decoded()).pingId())
                .as("node B serves the key node A made").isEqualTo(7);
        SessionManager sessionsOfB = b.getBean(SessionManager.class);
        assertThat(sessionsOfB.sessionCount()).isEqualTo(1);

        onA.send(new DestroyAuthKey(), false);
        assertThat(onA.await(DestroyAuthKeyOk.CONSTRUCTOR_ID, new ArrayList<>()).decoded())
                .isEqualTo(new DestroyAuthKeyOk());

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (sessionsOfB.sessionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sessionsOfB.sessionCount()).as("node B ended its session of the destroyed key " + id).isZero();
        onB.send(new Ping(8), false);
        onB.wire.expectTransportErrorThenClose(-404);
        // and a new connection with the key on B gets -404 as well
        WireSession again = new WireSession(WireClient.intermediate(port(b)), hs.authKey(), salt);
        again.send(new Ping(9), false);
        again.wire.expectTransportErrorThenClose(-404);
    }
}
