package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The storage tiers below this node's memory cache ({@link CachingAuthKeyStore} wraps this):
 * temporary keys (RAM, or Redis behind the {@link TemporaryKeyIds} set) → the permanent id set ({@link PermanentKeyIds}) → Redis
 * ({@link SharedKeyCache}, optional) → the database ({@link JdbcAuthKeyStore}).
 *
 * <p>A lookup of an id the set does not hold is answered "unknown" with no Redis or SQL call, which
 * is what keeps a flood of random ids away from the database. While the set is not trusted (another
 * node's save may have been missed), such lookups reach the database, at most
 * {@code maxUntrustedMissesPerSecond} a second; beyond that they throw {@link AuthKeyStoreException}
 * (the gateway then neither answers -404 nor drops a key it cannot vouch for).
 *
 * <p>Saves and deletes go to the database first (the source of truth), then to Redis and the
 * invalidation channel, best-effort: a Redis failure never fails them. A permanent key's id enters
 * the set before the database write, so that it is findable on this node the moment the save
 * returns.
 */
public final class TieredAuthKeyStore implements AuthKeyStore {
    private final JdbcAuthKeyStore database;
    private final TemporaryKeys temporaryKeys;
    private final PermanentKeyIds ids;
    private final SharedKeyCache shared; // null: no Redis tier
    private final KeyInvalidations invalidations; // null: single node (no Redis)
    private final Clock clock;
    private final int maxUntrustedMissesPerSecond;
    private long windowSecond = Long.MIN_VALUE;
    private int windowCount;

    final LongAdder filtered = new LongAdder();
    final LongAdder sharedHits = new LongAdder();
    final LongAdder databaseLookups = new LongAdder();
    final LongAdder shed = new LongAdder();

    public TieredAuthKeyStore(JdbcAuthKeyStore database, PermanentKeyIds ids, SharedKeyCache shared,
                              KeyInvalidations invalidations, Clock clock, int maxUntrustedMissesPerSecond) {
        this.database = Objects.requireNonNull(database, "database");
        this.temporaryKeys = database.temporaryKeys();
        this.ids = Objects.requireNonNull(ids, "ids");
        this.shared = shared;
        this.invalidations = invalidations;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxUntrustedMissesPerSecond = maxUntrustedMissesPerSecond;
    }

    @Override
    public Optional<StoredAuthKey> find(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        Optional<StoredAuthKey> temp = temporaryKeys.find(id);
        if (temp.isPresent()) {
            return temp;
        }
        if (!ids.mightContain(id)) {
            filtered.increment();
            return Optional.empty();
        }
        if (!ids.trusted() && !ids.contains(id.value()) && !admitUntrustedMiss()) {
            shed.increment();
            throw new AuthKeyStoreException("key lookup shed: id set not trusted and the database budget is spent");
        }
        if (shared != null) {
            SharedKeyCache.Lookup l = shared.find(id);
            if (l instanceof SharedKeyCache.Lookup.Hit hit) {
                sharedHits.increment();
                return Optional.of(hit.key());
            }
            if (l instanceof SharedKeyCache.Lookup.Unknown) {
                sharedHits.increment();
                return Optional.empty();
            }
        }
        databaseLookups.increment();
        Optional<StoredAuthKey> found = database.findPermanent(id);
        if (shared != null) {
            if (found.isPresent()) {
                shared.fill(found.get());
            } else {
                shared.fillUnknown(id);
            }
        }
        return found;
    }

    private synchronized boolean admitUntrustedMiss() {
        long second = clock.instant().getEpochSecond();
        if (second != windowSecond) {
            windowSecond = second;
            windowCount = 0;
        }
        return windowCount++ < maxUntrustedMissesPerSecond;
    }

    @Override
    public SaveResult save(StoredAuthKey key) {
        Objects.requireNonNull(key, "key");
        if (!key.type().isTemporary()) {
            ids.add(key.id()); // before the commit: a false positive costs one query, a miss a -404
        }
        SaveResult result = database.save(key);
        if (result == SaveResult.SAVED) {
            if (shared != null && !key.type().isTemporary()) {
                shared.put(key.asPersisted());
            }
            if (invalidations != null && !key.type().isTemporary()) {
                invalidations.publishSaved(key.id()); // a temporary key was announced before its write
            }
        }
        return result;
    }

    @Override
    public boolean delete(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        boolean deleted = database.delete(id); // a failure leaves every tier as it was
        if (deleted) {
            if (shared != null) {
                shared.tombstone(id);
            }
            if (invalidations != null) {
                invalidations.publishRemoved(id);
            }
        }
        return deleted;
    }

    /**
     * Announces that something about this key changed (e.g. its temporary key bindings) so that every
     * node drops its cached copy; this node's copy is dropped by the caller's cache.
     */
    public void announceChanged(AuthKeyId id) {
        if (invalidations != null) {
            invalidations.publishRemoved(id);
        }
    }

    @Override
    public void recordInitialSalt(AuthKeyId id, long salt, Instant validFrom) {
        database.recordInitialSalt(id, salt, validFrom);
    }

    @Override
    public List<ServerSalt> salts(AuthKeyId id) {
        return database.salts(id);
    }

    /** Reloads the id set from the database; trusted afterwards only if nothing can have been missed. */
    public void refreshIds() {
        ids.refresh(database::livePermanentIds, invalidations == null || invalidations.healthy());
    }

    public PermanentKeyIds ids() {
        return ids;
    }
}
