package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TempKeyBindings} shared by every node through Redis, for temporary keys that live in Redis
 * ({@link SharedTemporaryKeys}): a client that binds on one node and reconnects to another keeps its
 * binding.
 *
 * <ul>
 *   <li>{@code <prefix>tkb:<temp>} = {@code <perm>:<until ms>} and {@code <prefix>pkb:<perm>} =
 *       {@code <temp>} (the permanent key's current temporary key), both expiring with the binding.
 *       Rebinding a permanent key deletes the previous temporary key's {@code tkb}.</li>
 *   <li>Lookups ({@link #permanentFor}) run on event loops, so they read only this node's mirror
 *       ({@code local}), never Redis. The mirror is filled by {@link #load} when a temporary key is
 *       looked up at connection start (blocking executor), and kept current by the invalidation
 *       channel: {@code b:<temp>:<perm>:<until>} after every bind, {@code u:<temp>} after every unbind
 *       (destroy_auth_key of the temporary key included), {@code d:<perm>} when a permanent key is
 *       destroyed (its temporary key's binding ends: {@link #unbindPermanent}), applied by every
 *       node. A bind message also drops the permanent key's previous temporary key from every mirror
 *       (the in-memory rule "one temporary key per permanent key").</li>
 *   <li>When the channel may have lost messages, {@link #resync} re-reads every mirrored binding
 *       from Redis once it is heard again.</li>
 *   <li>While Redis is away a bind is kept in this node's mirror only (as the temporary keys made
 *       meanwhile are), and lookups keep answering from the mirror.</li>
 * </ul>
 * Teamgram writes bindings into SQL ({@code auth_key_infos.perm_auth_key_id} /
 * {@code temp_auth_key_id}); mtgate keeps temporary keys out of SQL altogether, so their bindings,
 * which live no longer than they do, stay out of it as well.
 */
public final class SharedTempKeyBindings implements TempKeyBindings {
    private static final Logger log = LoggerFactory.getLogger(SharedTempKeyBindings.class);

    private final RedisOps redis;
    private final RedisBreaker breaker;
    private final KeyInvalidations invalidations;
    private final String prefix;
    private final Clock clock;
    private final InMemoryTempKeyBindings local;

    public SharedTempKeyBindings(RedisOps redis, RedisBreaker breaker, KeyInvalidations invalidations, String prefix,
                                 Clock clock, InMemoryTempKeyBindings local) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.invalidations = Objects.requireNonNull(invalidations, "invalidations");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.local = Objects.requireNonNull(local, "local");
    }

    private String ofTemp(AuthKeyId temp) {
        return prefix + "tkb:" + temp.value();
    }

    private String ofPerm(AuthKeyId perm) {
        return prefix + "pkb:" + perm.value();
    }

    /** Blocking (Redis): call from the RPC executor, as {@code auth.bindTempAuthKey} runs. */
    @Override
    public Optional<AuthKeyId> bind(AuthKeyId temp, AuthKeyId perm, Instant expiresAt) {
        Optional<AuthKeyId> replaced = local.bind(temp, perm, expiresAt);
        Duration life = Duration.between(clock.instant(), expiresAt);
        Duration px = life.toMillis() < 1 ? Duration.ofMillis(1) : life;
        Optional<String> previous = breaker.call(() -> {
            String old = redis.get(ofPerm(perm));
            redis.set(ofTemp(temp), perm.value() + ":" + expiresAt.toEpochMilli(), px);
            redis.set(ofPerm(perm), Long.toString(temp.value()), px);
            if (old != null && !old.equals(Long.toString(temp.value()))) {
                redis.delete(prefix + "tkb:" + old);
                return old;
            }
            return "";
        });
        // Again, now that Redis has it: a load of this key that read Redis before the write above
        // then sees its entry changed and leaves it alone (see load).
        local.bind(temp, perm, expiresAt);
        invalidations.publishBound(temp, perm, expiresAt.toEpochMilli());
        if (replaced.isEmpty() && previous.isPresent() && !previous.get().isEmpty()) {
            return Optional.of(new AuthKeyId(Long.parseLong(previous.get())));
        }
        return replaced;
    }

    @Override
    public Optional<AuthKeyId> permanentFor(AuthKeyId temp) {
        return local.permanentFor(temp);
    }

    /** Blocking (Redis). */
    @Override
    public boolean unbind(AuthKeyId temp) {
        // Redis first, then the mirror: a load of this key that read Redis before the delete then
        // finds its entry changed and does not restore it (see load).
        Optional<Boolean> wasShared = breaker.call(() -> {
            Binding b = parse(redis.get(ofTemp(temp)));
            if (b == null) {
                return false;
            }
            redis.delete(ofTemp(temp));
            if (Long.toString(temp.value()).equals(redis.get(ofPerm(b.perm())))) {
                redis.delete(ofPerm(b.perm()));
            }
            return b.until().isAfter(clock.instant());
        });
        boolean wasLocal = local.unbind(temp);
        invalidations.publishUnbound(temp);
        return wasLocal || wasShared.orElse(false);
    }

    /**
     * Blocking (Redis): call from a blocking executor, as {@code destroy_auth_key} runs. Ends the
     * binding of the temporary key bound to {@code perm} everywhere:
     * <ul>
     *   <li>this node's mirror;</li>
     *   <li>Redis: {@code pkb:<perm>} is deleted, and the {@code tkb} of the temporary key it named
     *       when that still names {@code perm};</li>
     *   <li>every node's mirror, through the channel: {@code u:<temp>} for the temporary key Redis
     *       named (as {@link #unbind} publishes), then {@code d:<perm>}, on which every node drops
     *       whatever binding to {@code perm} its own mirror holds (one this node could not see: a
     *       binding another node kept to itself while Redis was away). Both remove the same entry,
     *       so a node that applies both removes it once; the permanent key is gone and ids are never
     *       reused, so {@code d:<perm>} cannot remove a later binding.</li>
     * </ul>
     * While Redis is away only this node's mirror is updated (nothing is queued for later): Redis
     * and the other nodes' mirrors keep the binding until it expires; a node that misses the channel
     * messages re-reads its mirrored bindings from Redis afterwards, which still holds it.
     *
     * @return the temporary key whose live binding was removed, here or in Redis
     */
    @Override
    public Optional<AuthKeyId> unbindPermanent(AuthKeyId perm) {
        Objects.requireNonNull(perm, "perm");
        Optional<Optional<Unbound>> shared = breaker.call(() -> {
            String temp = redis.get(ofPerm(perm));
            if (temp == null || temp.isEmpty()) {
                return Optional.empty();
            }
            redis.delete(ofPerm(perm));
            AuthKeyId tempId = new AuthKeyId(Long.parseLong(temp));
            Binding b = parse(redis.get(ofTemp(tempId)));
            if (b == null || !b.perm().equals(perm)) {
                return Optional.empty(); // that temporary key was unbound or rebound meanwhile
            }
            redis.delete(ofTemp(tempId));
            return Optional.of(new Unbound(tempId, b.until()));
        });
        Optional<AuthKeyId> wasLocal = local.unbindPermanent(perm); // after Redis, as in unbind
        Optional<Unbound> inRedis = shared.flatMap(o -> o);
        inRedis.ifPresent(u -> invalidations.publishUnbound(u.temp()));
        invalidations.publishPermanentUnbound(perm);
        if (wasLocal.isPresent()) {
            return wasLocal;
        }
        return inRedis.filter(u -> u.until().isAfter(clock.instant())).map(Unbound::temp);
    }

    /**
     * Brings the mirror's entry for {@code temp} in line with Redis (blocking). Called when a
     * temporary key is looked up at connection start, when this node has no binding for it; a
     * Redis failure leaves the mirror as it is.
     */
    public void load(AuthKeyId temp) {
        // What Redis says is applied only if nothing changed this entry while it was read: a bind
        // or unbind of the same key meanwhile (this node's own, or a channel message) is newer
        // than the read, and overwriting it would lose a binding Redis holds (resync racing a bind)
        // or restore one that just ended.
        Object before = local.entry(temp);
        Optional<String> v = breaker.call(() -> {
            String s = redis.get(ofTemp(temp));
            return s == null ? "" : s;
        });
        if (v.isEmpty()) {
            return;
        }
        Binding b = parse(v.get());
        if (b == null || !b.until().isAfter(clock.instant())) {
            local.unbindIfUnchanged(temp, before);
            return;
        }
        try {
            local.bindIfUnchanged(temp, before, b.perm(), b.until());
        } catch (TemporaryKeyCapacityException | IllegalArgumentException e) {
            local.unbindIfUnchanged(temp, before); // a refused bind leaves no entry to keep
            log.debug("binding of {} not mirrored: {}", temp, e.toString());
        }
    }

    /** Re-reads every mirrored binding (after the channel may have lost messages). */
    public void resync() {
        for (AuthKeyId temp : local.temps()) {
            load(temp);
        }
    }

    /** Whether this node holds a binding for {@code temp} (live or not yet purged). */
    public boolean mirrors(AuthKeyId temp) {
        return local.permanentFor(temp).isPresent();
    }

    /** A bind announced on the channel (by any node, this one included). */
    void applyBound(AuthKeyId temp, AuthKeyId perm, long untilMillis) {
        Instant until = Instant.ofEpochMilli(untilMillis);
        if (!until.isAfter(clock.instant())) {
            local.unbind(temp);
            return;
        }
        try {
            local.bind(temp, perm, until);
        } catch (TemporaryKeyCapacityException | IllegalArgumentException e) {
            // The mirror is full: drop the entry; the next connection with this key loads it again.
            local.unbind(temp);
            log.debug("binding of {} not mirrored: {}", temp, e.toString());
        }
    }

    void applyUnbound(AuthKeyId temp) {
        local.unbind(temp);
    }

    /** A permanent key's bindings ended, announced on the channel ({@link #unbindPermanent}, any node). */
    void applyPermanentUnbound(AuthKeyId perm) {
        local.unbindPermanent(perm);
    }

    private record Binding(AuthKeyId perm, Instant until) {
    }

    /** A binding removed from Redis by {@link #unbindPermanent}. */
    private record Unbound(AuthKeyId temp, Instant until) {
    }

    private static Binding parse(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        int colon = v.indexOf(':');
        if (colon < 0) {
            return null;
        }
        return new Binding(new AuthKeyId(Long.parseLong(v.substring(0, colon))),
                Instant.ofEpochMilli(Long.parseLong(v.substring(colon + 1))));
    }
}
