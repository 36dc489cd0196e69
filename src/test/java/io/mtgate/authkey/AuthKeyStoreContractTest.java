package io.mtgate.authkey;

import io.mtgate.authkey.AuthKeyStore.SaveResult;
import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link AuthKeyStore} contract, run against every implementation (in memory, and JDBC on H2,
 * MariaDB and PostgreSQL).
 */
abstract class AuthKeyStoreContractTest {

    static final Instant T0 = Instant.parse("2025-03-01T12:00:00.123456789Z");
    static final int TEMP_CAPACITY = 4;
    private static final AtomicLong IDS = new AtomicLong(0x7A11_0000_0000_0000L);

    protected MutableClock clock;
    protected AuthKeyStore store;
    private final Random random = new Random(42);

    /** A fresh store over empty storage, using this clock and temporary-key capacity. */
    protected abstract AuthKeyStore newStore(Clock clock, int maxTemporaryKeys);

    @BeforeEach
    void createStore() {
        clock = new MutableClock(T0);
        store = newStore(clock, TEMP_CAPACITY);
    }

    /** Distinct ids, negative and positive (auth_key_id is a signed bigint). */
    protected static AuthKeyId nextId() {
        long n = IDS.incrementAndGet();
        return new AuthKeyId((n & 1) == 0 ? n : -n);
    }

    protected byte[] body() {
        byte[] b = new byte[StoredAuthKey.BODY_LENGTH];
        random.nextBytes(b);
        b[0] = 0; // leading zero bytes must survive (Teamgram-era bug class: dropped leading zeros)
        b[255] = (byte) 0xFF;
        return b;
    }

    protected StoredAuthKey perm(AuthKeyId id) {
        return StoredAuthKey.permanent(id, body(), clock.instant());
    }

    protected StoredAuthKey temp(AuthKeyId id, Duration lifetime) {
        return StoredAuthKey.temporary(id, body(), AuthKeyType.TEMPORARY, clock.instant(),
                clock.instant().plus(lifetime));
    }

    @Test
    void permanentKeyRoundTripsByteExact() {
        StoredAuthKey key = perm(nextId());
        assertThat(store.save(key)).isEqualTo(SaveResult.SAVED);

        StoredAuthKey found = store.find(key.id()).orElseThrow();
        assertThat(found.body()).isEqualTo(key.body());
        assertThat(found.id()).isEqualTo(key.id());
        assertThat(found.type()).isEqualTo(AuthKeyType.PERMANENT);
        assertThat(found.expiresAt()).isNull();
        assertThat(found.createdAt()).isEqualTo(Instant.parse("2025-03-01T12:00:00Z"));
    }

    @Test
    void extremeIdsRoundTrip() {
        for (long v : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1L, 1L}) {
            StoredAuthKey key = perm(new AuthKeyId(v));
            assertThat(store.save(key)).isEqualTo(SaveResult.SAVED);
            assertThat(store.find(key.id()).orElseThrow().body()).isEqualTo(key.body());
        }
    }

    @Test
    void unknownIdIsNotFound() {
        assertThat(store.find(nextId())).isEmpty();
        assertThat(store.salts(nextId())).isEmpty();
        assertThat(store.delete(nextId())).isFalse();
    }

    @Test
    void permanentVsPermanentDuplicateIsReportedAndKeepsTheFirstKey() {
        StoredAuthKey first = perm(nextId());
        store.save(first);
        StoredAuthKey second = perm(first.id());

        assertThat(store.save(second)).isEqualTo(SaveResult.DUPLICATE_ID);
        assertThat(store.find(first.id()).orElseThrow().body()).isEqualTo(first.body());
    }

    @Test
    void permanentVsTemporaryDuplicateIsReportedBothWays() {
        StoredAuthKey p = perm(nextId());
        store.save(p);
        assertThat(store.save(temp(p.id(), Duration.ofHours(1)))).isEqualTo(SaveResult.DUPLICATE_ID);
        assertThat(store.find(p.id()).orElseThrow().type()).isEqualTo(AuthKeyType.PERMANENT);

        StoredAuthKey t = temp(nextId(), Duration.ofHours(1));
        store.save(t);
        assertThat(store.save(perm(t.id()))).isEqualTo(SaveResult.DUPLICATE_ID);
        assertThat(store.find(t.id()).orElseThrow().type()).isEqualTo(AuthKeyType.TEMPORARY);

        assertThat(store.save(temp(t.id(), Duration.ofHours(2)))).isEqualTo(SaveResult.DUPLICATE_ID);
    }

    @Test
    void concurrentSavesOfOneIdHaveExactlyOneWinner() throws Exception {
        AuthKeyId id = nextId();
        int threads = 8;
        List<StoredAuthKey> keys = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            keys.add(perm(id));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<SaveResult>> results = new ArrayList<>();
            for (StoredAuthKey k : keys) {
                Callable<SaveResult> c = () -> {
                    start.await();
                    return store.save(k);
                };
                results.add(pool.submit(c));
            }
            start.countDown();
            int saved = 0;
            for (Future<SaveResult> f : results) {
                if (f.get() == SaveResult.SAVED) {
                    saved++;
                }
            }
            assertThat(saved).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        byte[] stored = store.find(id).orElseThrow().body();
        assertThat(keys).anySatisfy(k -> assertThat(k.body()).isEqualTo(stored));
    }

    @Test
    void deleteHidesThePermanentKeyAndItsIdStaysTaken() {
        StoredAuthKey key = perm(nextId());
        store.save(key);
        store.recordInitialSalt(key.id(), 77L, clock.instant());

        assertThat(store.delete(key.id())).isTrue();
        assertThat(store.find(key.id())).isEmpty();
        assertThat(store.salts(key.id())).isEmpty();
        assertThat(store.delete(key.id())).isFalse();
        assertThat(store.save(perm(key.id()))).isEqualTo(SaveResult.DUPLICATE_ID);
        assertThat(store.save(temp(key.id(), Duration.ofMinutes(5)))).isEqualTo(SaveResult.DUPLICATE_ID);
        assertThat(store.find(key.id())).isEmpty();
    }

    @Test
    void temporaryKeyRoundTripsAndExpiresExactlyAtExpiresAt() {
        StoredAuthKey key = StoredAuthKey.temporary(nextId(), body(), AuthKeyType.TEMPORARY, clock.instant(),
                clock.instant().plusSeconds(3600));
        assertThat(store.save(key)).isEqualTo(SaveResult.SAVED);
        assertThat(store.find(key.id())).contains(key); // exact, createdAt not truncated

        clock.set(key.expiresAt().minusNanos(1));
        assertThat(store.find(key.id())).isPresent();
        clock.set(key.expiresAt());
        assertThat(store.find(key.id())).isEmpty();
        assertThat(store.salts(key.id())).isEmpty();
        assertThat(store.delete(key.id())).isFalse();

        // An expired temporary key's id may be used again.
        assertThat(store.save(temp(key.id(), Duration.ofMinutes(1)))).isEqualTo(SaveResult.SAVED);
    }

    @Test
    void mediaTemporaryKeyRoundTrips() {
        StoredAuthKey key = StoredAuthKey.temporary(nextId(), body(), AuthKeyType.MEDIA_TEMPORARY,
                clock.instant(), clock.instant().plusSeconds(60));
        assertThat(store.save(key)).isEqualTo(SaveResult.SAVED);
        assertThat(store.find(key.id())).contains(key);
    }

    @Test
    void deleteForgetsATemporaryKey() {
        StoredAuthKey key = temp(nextId(), Duration.ofHours(1));
        store.save(key);
        assertThat(store.delete(key.id())).isTrue();
        assertThat(store.find(key.id())).isEmpty();
    }

    @Test
    void temporaryKeysAreBoundedInCount() {
        for (int i = 0; i < TEMP_CAPACITY - 1; i++) {
            assertThat(store.save(temp(nextId(), Duration.ofHours(1)))).isEqualTo(SaveResult.SAVED);
        }
        StoredAuthKey shortLived = temp(nextId(), Duration.ofSeconds(10));
        assertThat(store.save(shortLived)).isEqualTo(SaveResult.SAVED);

        assertThatThrownBy(() -> store.save(temp(nextId(), Duration.ofHours(1))))
                .isInstanceOf(TemporaryKeyCapacityException.class)
                .isInstanceOf(AuthKeyStoreException.class);
        // Permanent keys are not limited by the temporary table.
        assertThat(store.save(perm(nextId()))).isEqualTo(SaveResult.SAVED);

        clock.advance(Duration.ofSeconds(10)); // shortLived expires: room for one more
        assertThat(store.save(temp(nextId(), Duration.ofHours(1)))).isEqualTo(SaveResult.SAVED);
        assertThatThrownBy(() -> store.save(temp(nextId(), Duration.ofHours(1))))
                .isInstanceOf(TemporaryKeyCapacityException.class);
    }

    @Test
    void initialSaltOfAPermanentKeyRoundTrips() {
        StoredAuthKey key = perm(nextId());
        store.save(key);
        store.recordInitialSalt(key.id(), -0x0123_4567_89AB_CDEFL, clock.instant());

        Instant since = Instant.parse("2025-03-01T12:00:00Z");
        assertThat(store.salts(key.id())).containsExactly(
                new ServerSalt(-0x0123_4567_89AB_CDEFL, since, since.plus(AuthKeyStore.INITIAL_SALT_VALIDITY)));
        assertThat(AuthKeyStore.INITIAL_SALT_VALIDITY).isEqualTo(Duration.ofMinutes(30));

        // Same salt again: no-op, first window kept.
        store.recordInitialSalt(key.id(), -0x0123_4567_89AB_CDEFL, clock.instant().plusSeconds(100));
        assertThat(store.salts(key.id())).hasSize(1);
        assertThat(store.salts(key.id()).get(0).validSince()).isEqualTo(since);

        // Another key's salts are separate.
        StoredAuthKey other = perm(nextId());
        store.save(other);
        assertThat(store.salts(other.id())).isEmpty();
    }

    @Test
    void initialSaltOfATemporaryKeyLivesAndDiesWithIt() {
        StoredAuthKey key = temp(nextId(), Duration.ofMinutes(10));
        store.save(key);
        store.recordInitialSalt(key.id(), 5L, clock.instant());
        assertThat(store.salts(key.id())).extracting(ServerSalt::salt).containsExactly(5L);
        assertThat(store.salts(key.id()).get(0).isValidAt(clock.instant())).isTrue();

        clock.advance(Duration.ofMinutes(10));
        assertThat(store.salts(key.id())).isEmpty();
    }

    @Test
    void saltForAnUnknownKeyIsRejected() {
        assertThatThrownBy(() -> store.recordInitialSalt(nextId(), 1L, clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findReturnsAnIndependentCopy() {
        StoredAuthKey key = perm(nextId());
        store.save(key);
        byte[] b = store.find(key.id()).orElseThrow().body();
        b[1] ^= 1;
        assertThat(store.find(key.id()).map(StoredAuthKey::body)).get().isEqualTo(key.body());
    }
}
