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
 * node without Redis and on two nodes sharing a (private) Redis; keys saved on either node stay
 * findable on both while the flood runs.
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

    @Test
    void twoNodesSharingRedis_floodCostsNoQuery_andKeysCrossNodes() throws Exception {
        try (RedisTestServer redis = RedisTestServer.start();
             LettuceTuning.Client ca = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(1));
             LettuceTuning.Client cb = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(1))) {
            String prefix = "f" + UUID.randomUUID().toString().substring(0, 6) + ":";
            AuthKeyStorage.SharedTier tier = RedisTieredAuthKeyStoreContractTest.tier(ca.ops(), prefix);
            AuthKeyStorage a = node(tier);
            AuthKeyStorage b = node(new AuthKeyStorage.SharedTier(cb.ops(), tier.codec(), prefix, tier.ttl(),
                    tier.negativeTtl(), tier.retryAfter(), tier.staleAfter()));
            Drills.awaitHealthy(a, b);

            // b knows nothing of 77 yet: a miss, cached as unknown in b's memory and in Redis.
            assertThat(b.store().find(new AuthKeyId(77))).isEmpty();
            assertThat(a.store().save(perm(77))).isEqualTo(SaveResult.SAVED);
            Drills.await("b finds the key a saved", () -> b.store().find(new AuthKeyId(77)).isPresent());

            SplittableRandom r = new SplittableRandom(3);
            long before = counted.statements.get();
            for (int i = 0; i < FLOOD; i++) {
                AuthKeyStore s = (i & 1) == 0 ? a.store() : b.store();
                assertThat(s.find(randomId(r))).isEmpty();
            }
            assertThat(counted.statements.get() - before).as("queries during the flood").isZero();

            // A deletion on a reaches b's memory cache.
            assertThat(b.store().find(new AuthKeyId(77))).isPresent();
            assertThat(a.store().delete(new AuthKeyId(77))).isTrue();
            Drills.await("b forgets the deleted key", () -> b.store().find(new AuthKeyId(77)).isEmpty());

            // A temporary key made on a is usable on b (it lives in Redis).
            StoredAuthKey temp = StoredAuthKey.temporary(new AuthKeyId(88), new byte[256], AuthKeyType.TEMPORARY,
                    Instant.now(), Instant.now().plusSeconds(600));
            assertThat(a.store().save(temp)).isEqualTo(SaveResult.SAVED);
            assertThat(b.store().find(new AuthKeyId(88))).contains(temp);
            assertThat(b.store().save(temp)).isEqualTo(SaveResult.DUPLICATE_ID);
        }
    }
}
