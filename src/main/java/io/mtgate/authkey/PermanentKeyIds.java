package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The set of every live permanent auth_key_id, so that a lookup of an id that does not exist is
 * answered without a query: a flood of random, distinct ids (which no negative cache can absorb)
 * costs a binary search each instead of a database round trip.
 *
 * <p>Shape: a sorted {@code long[]} loaded from {@code auth_keys} (8 bytes per key: 8 MB per million
 * keys; exact, unlike a Bloom filter, so there are no false positives to pay for) plus a concurrent
 * set of ids added since the last load. Ids are only ever added between loads: a deleted key stays
 * in the set until the next {@link #refresh} (it then costs one query that finds nothing, and the
 * store's negative caches absorb repeats).
 *
 * <p>Correctness: a key saved on this node is {@link #add added} before its save returns, hence
 * before the client hears {@code dh_gen_ok}. Keys saved on other nodes arrive over the invalidation
 * channel; when that channel may have lost messages (Redis away, subscription not confirmed) the
 * owner {@link #distrust distrusts} the set and a lookup that misses it must go to the database.
 * {@link #refresh} makes the set trusted again only when no distrust happened while it loaded.
 * Until the first successful load the set is untrusted.
 */
public final class PermanentKeyIds {

    private volatile long[] loaded = new long[0];
    private final Set<Long> added = ConcurrentHashMap.newKeySet();
    /** Bumped by every distrust; a refresh trusts the set only if it did not move meanwhile. */
    private final AtomicLong distrusts = new AtomicLong();
    private volatile boolean trusted;
    private volatile boolean loadedOnce;

    /** True when the id may be a live permanent key (always true while untrusted). */
    public boolean mightContain(AuthKeyId id) {
        return !trusted || contains(id.value());
    }

    /** Whether the set currently has the id (ignoring trust). */
    public boolean contains(long id) {
        return Arrays.binarySearch(loaded, id) >= 0 || added.contains(id);
    }

    /** Records a permanent key id (saved here, or announced by another node). */
    public void add(AuthKeyId id) {
        added.add(id.value());
    }

    /** The set may miss ids (a lost invalidation message): lookups that miss it go to the database. */
    public void distrust() {
        distrusts.incrementAndGet();
        trusted = false;
    }

    public boolean trusted() {
        return trusted;
    }

    public boolean loadedOnce() {
        return loadedOnce;
    }

    /** Ids held (loaded plus added since). */
    public int size() {
        return loaded.length + added.size();
    }

    /**
     * Replaces the loaded ids with a fresh list of every live permanent id. Ids added while the list
     * was read and not in it are kept (a save that committed after the read started). On failure the
     * previous set is kept and the exception propagates.
     *
     * @param trustAfter whether the set may be trusted afterwards (false while the invalidation
     *                   channel is known to be down)
     */
    public void refresh(Supplier<long[]> allLiveIds, boolean trustAfter) {
        long before = distrusts.get();
        long[] fresh = allLiveIds.get().clone();
        Arrays.sort(fresh);
        loaded = fresh;
        added.removeIf(id -> Arrays.binarySearch(fresh, id) >= 0);
        loadedOnce = true;
        if (trustAfter && distrusts.get() == before) {
            trusted = true;
        }
    }
}
