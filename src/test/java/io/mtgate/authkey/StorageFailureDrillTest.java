package io.mtgate.authkey;

import io.mtgate.authkey.AuthKeyStore.SaveResult;
import io.mtgate.authkey.redis.LettuceTuning;
import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Failure drills against real servers: a private redis-server killed (SIGKILL) and restarted at
 * start-up and in the middle of traffic, and the database made unreachable (a DataSource switched to
 * refuse connections, as a stopped server does) and brought back, without restarting the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageFailureDrillTest {
    private final Clock clock = Clock.systemUTC();
    private TestDatabase db;
    private CountingDataSource dataSource;
    /** Shared by the nodes of one test, as the nodes of one deployment share it. */
    private static final byte[] SECRET = new byte[32];
    private String prefix;

    @BeforeAll
    void open() {
        db = TestDatabase.h2();
        dataSource = new CountingDataSource(db.dataSource());
    }

    @AfterAll
    void close() {
        db.close();
    }

    @BeforeEach
    void wipe() {
        dataSource.down(false);
        db.wipe();
        prefix = "d" + UUID.randomUUID().toString().substring(0, 6) + ":";
    }

    private AuthKeyStorage node(RedisOps redis) {
        AuthKeyStorage.SharedTier tier = redis == null ? null : new AuthKeyStorage.SharedTier(redis,
                new SharedKeyCodec(SECRET, new java.security.SecureRandom()), prefix, Duration.ofDays(7),
                Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofSeconds(3));
        return new AuthKeyStorage(dataSource, new InMemoryTemporaryKeys(clock, 1000), clock,
                TieredAuthKeyStoreContractTest.SETTINGS, tier).start();
    }

    private static StoredAuthKey perm(long id) {
        byte[] body = new byte[256];
        body[3] = (byte) id;
        return StoredAuthKey.permanent(new AuthKeyId(id), body, Instant.now());
    }

    /**
     * Lookups of a known id find it; of unknown ids answer "unknown" or, beyond the database budget of
     * an untrusted id set, throw (never "unknown" for a key that exists); each well under a second.
     */
    private static int lookupsAnswerFast(AuthKeyStore store, long known, long unknown) {
        int shed = 0;
        for (int i = 0; i < 200; i++) {
            long t0 = System.nanoTime();
            assertThat(store.find(new AuthKeyId(known))).isPresent();
            try {
                assertThat(store.find(new AuthKeyId(unknown + i))).isEmpty();
            } catch (AuthKeyStoreException e) {
                assertThat(e).hasMessageContaining("shed");
                shed++;
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(900));
        }
        return shed;
    }

    @Test
    void redisDownAtStartUp_databaseServes_thenTheTierResumes() {
        try (RedisTestServer redis = RedisTestServer.start();
             LettuceTuning.Client client = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(1))) {
            redis.stop();
            AuthKeyStorage node = node(client.ops());
            assertThat(node.store().save(perm(1))).isEqualTo(SaveResult.SAVED);
            Drills.await("degraded", () -> node.health().degraded(), node);
            // A fresh node-local cache would hide Redis: check through a second node with an empty one.
            AuthKeyStorage other = node(client.ops());
            lookupsAnswerFast(other.store(), 1, 1000);
            assertThat(other.health().redisAnswers()).isZero();
            StoredAuthKey temp = StoredAuthKey.temporary(new AuthKeyId(9), new byte[256], AuthKeyType.TEMPORARY,
                    Instant.now(), Instant.now().plusSeconds(60));
            assertThat(node.store().save(temp)).as("temporary keys fall back to RAM").isEqualTo(SaveResult.SAVED);
            assertThat(node.store().find(new AuthKeyId(9))).isPresent();

            redis.restart();
            Drills.awaitHealthy(node, other);
            assertThat(node.store().save(perm(2))).isEqualTo(SaveResult.SAVED);
            AuthKeyStorage third = node(client.ops());
            Drills.awaitHealthy(third);
            assertThat(third.store().find(new AuthKeyId(2))).isPresent();
            assertThat(third.health().redisAnswers()).as("served by Redis again").isPositive();
        }
    }

    @Test
    void redisKilledMidTraffic_lookupsKeepWorking_andItResumes() throws Exception {
        try (RedisTestServer redis = RedisTestServer.start();
             LettuceTuning.Client client = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(1))) {
            AuthKeyStorage node = node(client.ops());
            Drills.awaitHealthy(node);
            assertThat(node.store().save(perm(1))).isEqualTo(SaveResult.SAVED);
            lookupsAnswerFast(node.store(), 1, 5000);

            redis.stop();
            AuthKeyStorage fresh = node(client.ops()); // empty local cache: would need Redis or SQL
            lookupsAnswerFast(fresh.store(), 1, 6000);
            lookupsAnswerFast(node.store(), 1, 7000);
            assertThat(node.store().save(perm(3))).as("saves do not need Redis").isEqualTo(SaveResult.SAVED);
            Drills.await("degraded", () -> node.health().degraded(), node);
            assertThat(node.health().idsTrusted()).as("invalidations may be lost: id set distrusted").isFalse();
            assertThat(node.store().find(new AuthKeyId(3))).isPresent();

            redis.restart();
            Drills.awaitHealthy(node, fresh);
            assertThat(node.store().save(perm(4))).isEqualTo(SaveResult.SAVED);
            Drills.await("fresh hears the key saved on node", () -> fresh.store().find(new AuthKeyId(4)).isPresent(),
                    node, fresh);
        }
    }

    @Test
    void databaseDown_knownKeysServedFromTheCaches_savesFailCleanly_thenRecovery() {
        try (RedisTestServer redis = RedisTestServer.start();
             LettuceTuning.Client client = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(1))) {
            AuthKeyStorage a = node(client.ops());
            AuthKeyStorage b = node(client.ops());
            Drills.awaitHealthy(a, b);
            assertThat(a.store().save(perm(1))).isEqualTo(SaveResult.SAVED); // in a's memory and in Redis

            AuthKeyStorage c = node(client.ops()); // loads 1 into its id set; its memory is empty
            Drills.awaitHealthy(c);
            dataSource.down(true);
            assertThat(a.store().find(new AuthKeyId(1))).as("from memory").isPresent();
            assertThat(c.store().find(new AuthKeyId(1))).as("from Redis").isPresent();
            long before = dataSource.statements.get();
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < 10_000; i++) {
                assertThat(b.store().find(new AuthKeyId(r.nextLong() | 1))).isEmpty(); // the id set answers
            }
            assertThat(dataSource.statements.get()).isEqualTo(before);
            assertThatThrownBy(() -> a.store().save(perm(2))).isInstanceOf(AuthKeyStoreException.class);
            a.maintain(); // a reload fails: the set is kept
            assertThat(a.store().find(new AuthKeyId(1))).isPresent();
            assertThat(a.health().ids()).isPositive();

            dataSource.down(false);
            assertThat(a.store().save(perm(2))).isEqualTo(SaveResult.SAVED);
            Drills.await("b finds the key saved after recovery", () -> b.store().find(new AuthKeyId(2)).isPresent(),
                    a, b);
        }
    }

    @Test
    void databaseDownWithoutRedis_cachedKeysServed_uncachedLookupsThrowInsteadOfDenying() {
        AuthKeyStorage node = node(null);
        assertThat(node.store().save(perm(1))).isEqualTo(SaveResult.SAVED);
        AuthKeyStorage cold = node(null); // its id set holds 1, its memory does not
        dataSource.down(true);
        assertThat(node.store().find(new AuthKeyId(1))).isPresent();
        // The key exists but cannot be read: an error (the gateway then neither answers -404 nor drops it).
        assertThatThrownBy(() -> cold.store().find(new AuthKeyId(1))).isInstanceOf(AuthKeyStoreException.class);
        assertThat(cold.store().find(new AuthKeyId(12345))).as("unknown ids need no database").isEmpty();
        assertThatThrownBy(() -> node.store().save(perm(2))).isInstanceOf(AuthKeyStoreException.class);
        dataSource.down(false);
        assertThat(cold.store().find(new AuthKeyId(1))).isPresent();
        assertThat(node.store().save(perm(2))).isEqualTo(SaveResult.SAVED);
    }
}
