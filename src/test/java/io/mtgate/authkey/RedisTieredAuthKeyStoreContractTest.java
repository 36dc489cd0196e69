package io.mtgate.authkey;

import io.mtgate.authkey.redis.LettuceTuning;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link AuthKeyStore} contract on the assembled storage with the Redis tier (a private
 * redis-server) and sealed values, over H2: temporary keys live in Redis here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTieredAuthKeyStoreContractTest extends AuthKeyStoreContractTest {
    private TestDatabase db;
    private RedisTestServer redis;
    private LettuceTuning.Client client;

    @BeforeAll
    void open() {
        db = TestDatabase.h2();
        redis = RedisTestServer.start();
        client = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(1));
    }

    @AfterAll
    void close() {
        if (client != null) {
            client.close();
        }
        if (redis != null) {
            redis.close();
        }
        db.close();
    }

    static AuthKeyStorage.SharedTier tier(RedisOps ops, String prefix) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new AuthKeyStorage.SharedTier(ops, new SharedKeyCodec(secret, new SecureRandom()), prefix,
                Duration.ofDays(7), Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    @Override
    protected AuthKeyStore newStore(Clock clock, int maxTemporaryKeys) {
        db.wipe();
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
        return new AuthKeyStorage(db.dataSource(), new InMemoryTemporaryKeys(clock, maxTemporaryKeys), clock,
                TieredAuthKeyStoreContractTest.SETTINGS, tier(client.ops(), prefix)).start().store();
    }

    /** Temporary keys in Redis are bounded by Redis's maxmemory, not by a count (RAM is, while Redis is away). */
    @Override
    @Test
    void temporaryKeysAreBoundedInCount() {
        for (int i = 0; i < TEMP_CAPACITY + 2; i++) {
            assertThat(store.save(temp(nextId(), Duration.ofHours(1)))).isEqualTo(AuthKeyStore.SaveResult.SAVED);
        }
    }
}
