package io.mtgate.authkey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mtgate.crypto.AuthKeyId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded in-process cache in front of another store: known keys for {@code ttl}, and unknown
 * ids ("negative" entries) for a shorter {@code negativeTtl}, so that messages naming made-up
 * auth_key_ids do not each cost a database query.
 *
 * <p>A negative entry must never hide a key that was just created: {@link #save} drops the id's
 * negative entry, and a lookup that raced with any save does not record a negative entry at all.
 * Cached temporary keys are not returned past their expiry. Only this process's changes are seen;
 * other nodes' changes reach it through {@link #evict} (Redis pub/sub, see {@link KeyInvalidations}),
 * with the TTL as the backstop.
 */
public final class CachingAuthKeyStore implements AuthKeyStore {
    private final AuthKeyStore delegate;
    private final Clock clock;
    private final Cache<AuthKeyId, StoredAuthKey> known;
    private final Cache<AuthKeyId, Boolean> unknown;
    /** Saves under way, and saves finished: a lookup that overlapped any save caches no miss. */
    private final AtomicInteger savesInFlight = new AtomicInteger();
    private final AtomicLong savesDone = new AtomicLong();

    public CachingAuthKeyStore(AuthKeyStore delegate, Clock clock, int maxKnown, Duration ttl, int maxUnknown,
                               Duration negativeTtl) {
        if (maxKnown < 0 || maxUnknown < 0 || ttl.isNegative() || negativeTtl.isNegative()) {
            throw new IllegalArgumentException("cache sizes and TTLs must not be negative");
        }
        this.delegate = delegate;
        this.clock = clock;
        // Maintenance on the calling thread: eviction is immediate and needs no pool of its own.
        this.known = Caffeine.newBuilder().maximumSize(maxKnown).expireAfterWrite(ttl)
                .executor(Runnable::run).build();
        this.unknown = Caffeine.newBuilder().maximumSize(maxUnknown).expireAfterWrite(negativeTtl)
                .executor(Runnable::run).build();
    }

    @Override
    public Optional<StoredAuthKey> find(AuthKeyId id) {
        StoredAuthKey cached = known.getIfPresent(id);
        if (cached != null) {
            if (!cached.isExpiredAt(clock.instant())) {
                return Optional.of(cached);
            }
            known.invalidate(id);
            return Optional.empty();
        }
        if (unknown.getIfPresent(id) != null) {
            return Optional.empty();
        }
        long done = savesDone.get();
        boolean quiet = savesInFlight.get() == 0;
        Optional<StoredAuthKey> found = delegate.find(id);
        if (found.isPresent()) {
            known.put(id, found.get());
        } else if (quiet && savesInFlight.get() == 0 && savesDone.get() == done) {
            unknown.put(id, Boolean.TRUE);
        }
        return found;
    }

    @Override
    public SaveResult save(StoredAuthKey key) {
        savesInFlight.incrementAndGet();
        try {
            SaveResult result = delegate.save(key);
            if (result == SaveResult.SAVED) {
                known.put(key.id(), key.asPersisted());
            }
            return result;
        } finally {
            unknown.invalidate(key.id());
            savesDone.incrementAndGet();
            savesInFlight.decrementAndGet();
        }
    }

    @Override
    public boolean delete(AuthKeyId id) {
        try {
            return delegate.delete(id);
        } finally {
            known.invalidate(id);
        }
    }

    /**
     * Forgets what this cache knows about the id, known or unknown (another node saved, deleted or
     * changed the key). A lookup in flight meanwhile records no "unknown" for it.
     */
    public void evict(AuthKeyId id) {
        savesInFlight.incrementAndGet();
        try {
            known.invalidate(id);
            unknown.invalidate(id);
        } finally {
            savesDone.incrementAndGet();
            savesInFlight.decrementAndGet();
        }
    }

    @Override
    public void recordInitialSalt(AuthKeyId id, long salt, Instant validFrom) {
        delegate.recordInitialSalt(id, salt, validFrom);
    }

    @Override
    public List<ServerSalt> salts(AuthKeyId id) {
        return delegate.salts(id);
    }
}
