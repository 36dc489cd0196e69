package io.mtgate.authkey;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The ids of every live temporary key of the deployment (those in Redis), held by each node so that
 * a lookup of an id that is neither here nor in {@link PermanentKeyIds} is answered "unknown" without
 * a Redis round trip: with the Redis tier on, a flood of random ids would otherwise cost one GET each.
 *
 * <p>Shape, as {@link PermanentKeyIds}: a sorted {@code long[]} loaded from the Redis index of live
 * temporary keys (8 bytes per key) plus a concurrent map of ids announced since the last load, with
 * their expiry (about 80 bytes each; a load empties it of every id it read and of every expired id).
 * Expired or deleted ids stay until the next load: such a false positive costs the GET it saves
 * otherwise, never a wrong answer.
 *
 * <p>Trust: ids reach this set before the key is written to Redis (the creating node announces it
 * first), so a trusted set misses no key that a client can have heard of. The owner
 * {@link #distrust distrusts} the set whenever an announcement may have been lost (Redis failure,
 * invalidation channel silent); a lookup that misses an untrusted set asks Redis. {@link #refresh}
 * trusts it again only when no distrust happened while it loaded.
 */
public final class TemporaryKeyIds {
    private volatile long[] loaded = new long[0];
    private final ConcurrentHashMap<Long, Long> added = new ConcurrentHashMap<>();
    private final AtomicLong distrusts = new AtomicLong();
    private volatile boolean trusted;

    /** True when the id may be a live temporary key (always true while untrusted). */
    public boolean mightContain(long id) {
        return !trusted || contains(id);
    }

    /** Whether the set has the id (ignoring trust). */
    public boolean contains(long id) {
        return Arrays.binarySearch(loaded, id) >= 0 || added.containsKey(id);
    }

    /** An announced temporary key, live until {@code expiresAtMillis} (unix ms). */
    public void add(long id, long expiresAtMillis) {
        added.merge(id, expiresAtMillis, Math::max);
    }

    /** Announcements may have been lost: misses must ask Redis until the next trusted refresh. */
    public void distrust() {
        distrusts.incrementAndGet();
        trusted = false;
    }

    public boolean trusted() {
        return trusted;
    }

    /** Ids held: loaded plus announced since. */
    public int size() {
        return loaded.length + added.size();
    }

    /** Ids announced since the last load. */
    int recent() {
        return added.size();
    }

    /**
     * Replaces the loaded ids with a fresh list of every live temporary key id. Announced ids that the
     * list lacks and that have not expired are kept (announced after the list was read). On failure the
     * previous set (and its trust) is kept and the exception propagates.
     *
     * @param trustAfter false while the invalidation channel is known to be down
     */
    public void refresh(Supplier<long[]> liveIds, long nowMillis, boolean trustAfter) {
        long before = distrusts.get();
        long[] fresh = liveIds.get().clone();
        Arrays.sort(fresh);
        loaded = fresh;
        added.entrySet().removeIf(e -> e.getValue() <= nowMillis || Arrays.binarySearch(fresh, e.getKey()) >= 0);
        if (trustAfter && distrusts.get() == before) {
            trusted = true;
        }
    }
}
