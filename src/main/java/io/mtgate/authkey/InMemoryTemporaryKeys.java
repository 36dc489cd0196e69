package io.mtgate.authkey;

import io.mtgate.authkey.AuthKeyStore.SaveResult;
import io.mtgate.crypto.AuthKeyId;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary (and media temporary) auth keys, kept in RAM only and never written anywhere
 * (checklist 2.5/2.8: "never persist"; a restart forgets them and clients make new ones).
 *
 * <ul>
 *   <li>A key is gone from its {@code expiresAt} on, measured with the injected {@link Clock}:
 *       lookups never return it and drop it on the way (lazy purge); {@link #purgeExpired()} drops
 *       all expired keys and is meant to be scheduled by the application (e.g. every minute).</li>
 *   <li>At most {@code capacity} keys are held. A save into a full table first purges expired keys;
 *       if it is still full the new key is rejected with {@link TemporaryKeyCapacityException}.</li>
 *   <li>Salts recorded for a temporary key are held with it and vanish with it.</li>
 * </ul>
 * Thread-safe: lookups are lock-free; saves and deletes serialise on this object (one per handshake).
 */
public final class InMemoryTemporaryKeys implements TemporaryKeys {

    /** A default bound: 100,000 keys, roughly 50 MB of heap at most. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private record Entry(StoredAuthKey key, List<ServerSalt> salts) {
    }

    private final Clock clock;
    private final int capacity;
    private final ConcurrentHashMap<Long, Entry> keys = new ConcurrentHashMap<>();

    /**
     * @param clock    source of "now" for expiry
     * @param capacity maximum number of keys held at once (> 0)
     */
    public InMemoryTemporaryKeys(Clock clock, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0");
        }
        this.capacity = capacity;
    }

    /** The live key with this id, if any. */
    @Override
    public Optional<StoredAuthKey> find(AuthKeyId id) {
        return live(id).map(Entry::key);
    }

    /** True when a live key has this id. */
    @Override
    public boolean contains(AuthKeyId id) {
        return live(id).isPresent();
    }

    /**
     * Stores a temporary key.
     *
     * @return DUPLICATE_ID when a live temporary key has the id (an expired one is replaced)
     * @throws IllegalArgumentException       for a permanent key, or a key already expired
     * @throws TemporaryKeyCapacityException  when {@code capacity} live keys are held
     */
    @Override
    public synchronized SaveResult save(StoredAuthKey key) {
        Objects.requireNonNull(key, "key");
        if (!key.type().isTemporary()) {
            throw new IllegalArgumentException("not a temporary key: " + key);
        }
        Instant now = clock.instant();
        if (key.isExpiredAt(now)) {
            throw new IllegalArgumentException("temporary key already expired at " + now + ": " + key);
        }
        if (live(key.id(), now).isPresent()) {
            return SaveResult.DUPLICATE_ID;
        }
        if (keys.size() >= capacity) {
            purgeExpired(now);
            if (keys.size() >= capacity) {
                throw new TemporaryKeyCapacityException(capacity);
            }
        }
        keys.put(key.id().value(), new Entry(key, List.of()));
        return SaveResult.SAVED;
    }

    /** Forgets a key; true when a live key was removed. */
    @Override
    public synchronized boolean delete(AuthKeyId id) {
        boolean wasLive = live(id).isPresent();
        keys.remove(id.value());
        return wasLive;
    }

    /**
     * Adds a salt to a live key (no-op when the key already has this salt value).
     *
     * @return false when no live key has this id
     */
    @Override
    public synchronized boolean addSalt(AuthKeyId id, ServerSalt salt) {
        Optional<Entry> e = live(id);
        if (e.isEmpty()) {
            return false;
        }
        if (e.get().salts().stream().anyMatch(s -> s.salt() == salt.salt())) {
            return true;
        }
        List<ServerSalt> salts = new ArrayList<>(e.get().salts());
        salts.add(salt);
        salts.sort(Comparator.comparing(ServerSalt::validSince));
        keys.put(id.value(), new Entry(e.get().key(), List.copyOf(salts)));
        return true;
    }

    /** Salts of a live key, oldest first; empty for an unknown or expired key. */
    @Override
    public List<ServerSalt> salts(AuthKeyId id) {
        return live(id).map(Entry::salts).orElse(List.of());
    }

    /** Drops every expired key; returns how many were dropped. Safe to call from a scheduler. */
    public int purgeExpired() {
        return purgeExpired(clock.instant());
    }

    /** Number of keys held, expired ones not yet purged included. */
    public int size() {
        return keys.size();
    }

    public int capacity() {
        return capacity;
    }

    private int purgeExpired(Instant now) {
        int[] removed = {0};
        keys.forEach((k, e) -> {
            if (e.key().isExpiredAt(now) && keys.remove(k, e)) {
                removed[0]++;
            }
        });
        return removed[0];
    }

    private Optional<Entry> live(AuthKeyId id) {
        return live(id, clock.instant());
    }

    private Optional<Entry> live(AuthKeyId id, Instant now) {
        Objects.requireNonNull(id, "id");
        Entry e = keys.get(id.value());
        if (e == null) {
            return Optional.empty();
        }
        if (e.key().isExpiredAt(now)) {
            keys.remove(id.value(), e);
            return Optional.empty();
        }
        return Optional.of(e);
    }
}
