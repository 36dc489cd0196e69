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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of encrypted packets naming random, distinct auth_key_ids: every lookup is answered
 * "unknown" and the database sees no query at all (statements counted at the DataSource), on one
 * node without Redis and on two nodes sharing a (private) Redis, where Redis sees no command either
 * (counted at each node's connection); keys saved on either node stay findable on both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyIdFloodTest {
    private static final int FLOOD = 50_000;
    private final Clock clock = Clock.systemUTC();
    private TestDatabase db;
    private CountingDataSource counted;

    @BeforeAll
    void open() {
        db = TestDatabase.h2();
        counted = new CountingDataSource(db.dataSource());
    }

    @AfterAll
    void close() {
        db.close();
    }

    @BeforeEach
    void wipe() {
        db.wipe();
    }

    private AuthKeyStorage node(AuthKeyStorage.SharedTier redis) {
        return new AuthKeyStorage(counted, new InMemoryTemporaryKeys(clock, 1000), clock,
                TieredAuthKeyStoreContractTest.SETTINGS, redis).start();
    }

    private static StoredAuthKey perm(long id) {
        byte[] body = new byte[256];
        body[7] = (byte) id;
        return StoredAuthKey.permanent(new AuthKeyId(id), body, Instant.now());
    }

    private static AuthKeyId randomId(SplittableRandom r) {
        long v;
        do {
            v = r.nextLong();
        } while (v == 0);
        return new AuthKeyId(v);
    }

    @Test
    void randomIdsCostNoDatabaseQueryOnOneNode() {
        AuthKeyStorage node = node(null);
        for (long i = 1; i <= 100; i++) {
            assertThat(node.store().save(perm(i))).isEqualTo(SaveResult.SAVED);
        }
        node.maintain();
        AuthKeyStore store = node.store();
        SplittableRandom r = new SplittableRandom(7);
        long before = counted.statements.get();
        for (int i = 0; i < FLOOD; i++) {
            assertThat(store.find(randomId(r))).isEmpty();
        }
        assertThat(counted.statements.get() - before).as("queries during the flood").isZero();
        assertThat(node.health().filteredLookups()).isEqualTo(FLOOD);

        // A key saved now is found at once; keys from before the flood are still found.
        assertThat(store.save(perm(1000))).isEqualTo(SaveResult.SAVED);
        assertThat(store.find(new AuthKeyId(1000))).isPresent();
        assertThat(store.find(new AuthKeyId(42))).isPresent();
    }

    @Test
    void keysSavedDuringAFloodAreFoundTheMomentTheirSaveReturns() throws Exception {
        AuthKeyStorage node = node(null);
        AuthKeyStore store = node.store();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> floods = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int seed = t;
                floods.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    while (!stop.get()) {
                        store.find(randomId(r));
                    }
                }));
            }
            for (long i = 1; i <= 300; i++) {
                assertThat(store.save(perm(5000 + i))).isEqualTo(SaveResult.SAVED);
                assertThat(store.find(new AuthKeyId(5000 + i))).as("key %d right after its save", 5000 + i).isPresent();
                if (i % 100 == 0) {
                    node.maintain(); // reloads race with saves too
                }
            }
            stop.set(true);
            for (Future<?> f : floods) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static AuthKeyStorage.SharedTier tier(RedisOps ops, AuthKeyStorage.SharedTier like, int budget) {
        return new AuthKeyStorage.SharedTier(ops, like.codec(), like.prefix(), like.ttl(), like.negativeTtl(),
                like.retryAfter(), like.staleAfter(), like.tempIdRefreshInterval(), budget);
    }

    private static StoredAuthKey temp(long id) {
        return StoredAuthKey.temporary(new AuthKeyId(id), new byte[256], AuthKeyType.TEMPORARY, Instant.now(),
                Instant.now().plusSeconds(600));
    }

    /** Two nodes on one private redis-server, each with its own counted connection. */
    private record Pair(RedisTestServer redis, LettuceTuning.Client ca, LettuceTuning.Client cb, CountingRedisOps ra,
                        CountingRedisOps rb, AuthKeyStorage a, AuthKeyStorage b) implements AutoCloseable {
        @Override
        public void close() {
            cb.close();
            ca.close();
            redis.close();
        }
    }

    private Pair pair(int unannouncedChecksPerSecond) {
        RedisTestServer redis = RedisTestServer.start();
        LettuceTuning.Client ca = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(1));
        LettuceTuning.Client cb = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(1));
        String prefix = "f" + UUID.randomUUID().toString().substring(0, 6) + ":";
        CountingRedisOps ra = new CountingRedisOps(ca.ops());
        CountingRedisOps rb = new CountingRedisOps(cb.ops());
        AuthKeyStorage.SharedTier like = RedisTieredAuthKeyStoreContractTest.tier(ra, prefix);
        AuthKeyStorage a = node(tier(ra, like, unannouncedChecksPerSecond));
        AuthKeyStorage b = node(tier(rb, like, unannouncedChecksPerSecond));
        Drills.awaitHealthy(a, b);
        return new Pair(redis, ca, cb, ra, rb, a, b);
    }

    @Test
    void twoNodesSharingRedis_floodCostsNoQueryAndNoRedisCommand_andKeysCrossNodes() {
        try (Pair p = pair(0)) {
            AuthKeyStorage a = p.a();
            AuthKeyStorage b = p.b();
            // b knows nothing of 77 yet: a miss, cached as unknown in b's memory and in Redis.
            assertThat(b.store().find(new AuthKeyId(77))).isEmpty();
            assertThat(a.store().save(perm(77))).isEqualTo(SaveResult.SAVED);
            Drills.await("b finds the key a saved", () -> b.store().find(new AuthKeyId(77)).isPresent());
            assertThat(a.store().save(temp(66))).isEqualTo(SaveResult.SAVED);
            Drills.await("b finds the temporary key a saved", () -> b.store().find(new AuthKeyId(66)).isPresent());

            SplittableRandom r = new SplittableRandom(3);
            long before = counted.statements.get();
            long redisBefore = p.ra().commands.get() + p.rb().commands.get();
            long filteredBefore = a.health().tempFilteredLookups() + b.health().tempFilteredLookups();
            long t0 = System.nanoTime();
            for (int i = 0; i < FLOOD; i++) {
                AuthKeyStore s = (i & 1) == 0 ? a.store() : b.store();
                assertThat(s.find(randomId(r))).isEmpty();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(counted.statements.get() - before).as("queries during the flood").isZero();
            assertThat(p.ra().commands.get() + p.rb().commands.get() - redisBefore)
                    .as("Redis commands during the flood").isZero();
            assertThat(a.health().tempFilteredLookups() + b.health().tempFilteredLookups() - filteredBefore)
                    .as("answered by the temporary id sets").isEqualTo(FLOOD);
            System.out.printf("random-id flood, two nodes sharing Redis: %,.0f lookups/s (%d lookups, asserts"
                    + " included), 0 SQL, 0 Redis commands%n", FLOOD / seconds, FLOOD);

            // A deletion on a reaches b's memory cache.
            assertThat(b.store().find(new AuthKeyId(77))).isPresent();
            assertThat(a.store().delete(new AuthKeyId(77))).isTrue();
            Drills.await("b forgets the deleted key", () -> b.store().find(new AuthKeyId(77)).isEmpty());

            // A temporary key made on a is usable on b (it lives in Redis) once b heard of it.
            StoredAuthKey t = temp(88);
            assertThat(a.store().save(t)).isEqualTo(SaveResult.SAVED);
            Drills.await("b finds temporary key 88", () -> b.store().find(new AuthKeyId(88)).isPresent());
            assertThat(b.store().find(new AuthKeyId(88))).contains(t);
            assertThat(b.store().save(t)).isEqualTo(SaveResult.DUPLICATE_ID);
        }
    }

    /**
     * The race of a client that reconnects to another node right after {@code dh_gen_ok}: b looks the
     * key up the moment a's save returns, before it may have processed the announcement; the budget of
     * Redis checks for ids outside the set covers it. A flood spends that budget and no more.
     */
    @Test
    void freshTemporaryKeyFoundAtOnceOnTheOtherNode_andAFloodSpendsOnlyTheBudget() {
        int budget = 50;
        try (Pair p = pair(budget)) {
            for (long id = 1001; id <= 1020; id++) {
                assertThat(p.a().store().save(temp(id))).isEqualTo(SaveResult.SAVED);
                assertThat(p.b().store().find(new AuthKeyId(id))).as("temporary key %d on b at once", id).isPresent();
            }
            SplittableRandom r = new SplittableRandom(5);
            long statements = counted.statements.get();
            long gets = p.rb().gets.get();
            long t0 = System.nanoTime();
            for (int i = 0; i < FLOOD; i++) {
                assertThat(p.b().store().find(randomId(r))).isEmpty();
            }
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L + 1; // windows touched
            long spent = p.rb().gets.get() - gets;
            assertThat(spent).as("Redis GETs during a flood of %d lookups over <= %d s", FLOOD, seconds)
                    .isLessThanOrEqualTo(budget * (seconds + 1));
            assertThat(counted.statements.get() - statements).as("queries during the flood").isZero();
        }
    }

    /**
     * A node deaf to the channel (its subscription lost) distrusts its temporary id set and asks Redis;
     * once it hears again, its reload from the Redis index brings in keys made meanwhile, with no
     * announcement and no budget (0) to fall back on.
     */
    @Test
    void temporaryKeysMadeWhileANodeWasDeaf_areFoundThere_beforeAndAfterItHeals() {
        try (Pair p = pair(0)) {
            p.rb().deaf = true;
            Drills.await("b notices it is deaf", () -> !p.b().health().tempIdsTrusted(), p.a(), p.b());
            assertThat(p.a().store().save(temp(2001))).isEqualTo(SaveResult.SAVED);
            assertThat(p.a().store().save(temp(2002))).isEqualTo(SaveResult.SAVED);
            assertThat(p.b().store().find(new AuthKeyId(2001))).as("untrusted set: asks Redis").isPresent();
            p.rb().deaf = false;
            Drills.awaitHealthy(p.a(), p.b());
            long gets = p.rb().gets.get();
            assertThat(p.b().store().find(new AuthKeyId(2002))).as("reloaded from the index").isPresent();
            assertThat(p.b().store().find(new AuthKeyId(2003))).isEmpty();
            assertThat(p.rb().gets.get() - gets).as("one GET: the key, none for the unknown id").isEqualTo(1);
        }
    }
}
