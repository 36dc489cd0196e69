package io.mtgate.authkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AuthKeyId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingAuthKeyStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    /** Counts lookups that reach the store behind the cache. */
    static final class CountingStore implements AuthKeyStore {
        final InMemoryAuthKeyStore inner;
        final AtomicInteger finds = new AtomicInteger();
        volatile CountDownLatch findEntered;
        volatile CountDownLatch releaseFind;

        CountingStore(Clock clock) {
            inner = new InMemoryAuthKeyStore(clock, 100);
        }

        @Override
        public Optional<StoredAuthKey> find(AuthKeyId id) {
            finds.incrementAndGet();
            Optional<StoredAuthKey> r = inner.find(id);
            if (findEntered != null) {
                findEntered.countDown();
                try {
                    releaseFind.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return r;
        }

        @Override
        public SaveResult save(StoredAuthKey key) {
            return inner.save(key);
        }

        @Override
        public boolean delete(AuthKeyId id) {
            return inner.delete(id);
        }

        @Override
        public void recordInitialSalt(AuthKeyId id, long salt, Instant validFrom) {
            inner.recordInitialSalt(id, salt, validFrom);
        }

        @Override
        public List<ServerSalt> salts(AuthKeyId id) {
            return inner.salts(id);
        }
    }

    private static StoredAuthKey permanent(long id) {
        byte[] body = new byte[256];
        body[0] = (byte) id;
        return StoredAuthKey.permanent(new AuthKeyId(id), body, NOW);
    }

    @Test
    void unknownIdsReachTheStoreOncePerNegativeTtl() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CountingStore store = new CountingStore(clock);
        CachingAuthKeyStore cache = new CachingAuthKeyStore(store, clock, 10, Duration.ofMinutes(10), 10,
                Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            assertTrue(cache.find(new AuthKeyId(42)).isEmpty());
        }
        assertEquals(1, store.finds.get(), "a flood of one made-up id costs one lookup");
    }

    @Test
    void knownKeysAreServedFromMemoryAndSaveClearsAMiss() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CountingStore store = new CountingStore(clock);
        CachingAuthKeyStore cache = new CachingAuthKeyStore(store, clock, 10, Duration.ofMinutes(10), 10,
                Duration.ofMinutes(10));
        assertTrue(cache.find(new AuthKeyId(7)).isEmpty()); // cached as unknown
        assertEquals(AuthKeyStore.SaveResult.SAVED, cache.save(permanent(7)));
        assertTrue(cache.find(new AuthKeyId(7)).isPresent(), "a new key is visible at once");
        int before = store.finds.get();
        for (int i = 0; i < 10; i++) {
            assertTrue(cache.find(new AuthKeyId(7)).isPresent());
        }
        assertEquals(before, store.finds.get(), "served from memory");
        assertTrue(cache.delete(new AuthKeyId(7)));
        assertTrue(cache.find(new AuthKeyId(7)).isEmpty(), "deleted keys are gone at once");
    }

    @Test
    void cachedTemporaryKeysAreNotReturnedPastTheirExpiry() {
        Instant[] now = {NOW};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        CountingStore store = new CountingStore(clock);
        CachingAuthKeyStore cache = new CachingAuthKeyStore(store, clock, 10, Duration.ofHours(1), 10,
                Duration.ofSeconds(30));
        StoredAuthKey temp = StoredAuthKey.temporary(new AuthKeyId(9), new byte[256], AuthKeyType.TEMPORARY, NOW,
                NOW.plusSeconds(60));
        cache.save(temp);
        assertTrue(cache.find(new AuthKeyId(9)).isPresent());
        now[0] = NOW.plusSeconds(60);
        assertTrue(cache.find(new AuthKeyId(9)).isEmpty());
    }

    @Test
    void aLookupThatRacesWithASaveCachesNoMiss() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CountingStore store = new CountingStore(clock);
        // No room for known keys, so a later lookup depends on the miss cache being right.
        CachingAuthKeyStore cache = new CachingAuthKeyStore(store, clock, 0, Duration.ofMinutes(10), 10,
                Duration.ofMinutes(10));
        store.findEntered = new CountDownLatch(1);
        store.releaseFind = new CountDownLatch(1);
        Thread lookup = new Thread(() -> cache.find(new AuthKeyId(5)));
        lookup.start();
        store.findEntered.await();           // the lookup has seen "absent"...
        cache.save(permanent(5));            // ...then the key is created...
        store.releaseFind.countDown();       // ...and only then does the lookup finish
        lookup.join();
        store.findEntered = null;
        assertTrue(cache.find(new AuthKeyId(5)).isPresent(), "the stale miss must not hide the new key");
        assertFalse(cache.find(new AuthKeyId(6)).isPresent());
    }
}
