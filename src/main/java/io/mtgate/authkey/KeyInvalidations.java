package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every gateway node about key changes over one Redis pub/sub channel, and knows whether this
 * node is hearing that channel.
 *
 * <p>Messages (ASCII): {@code s:<id>} a permanent key was saved (others add it to their
 * {@link PermanentKeyIds} and drop a cached "unknown"); {@code t:<id>:<expires ms>} a temporary key is
 * about to be written to Redis (others add it to their {@link TemporaryKeyIds}); {@code r:<id>} a key
 * was deleted or its bindings changed (others drop their cached copy); {@code b:<temp>:<perm>:<until ms>}
 * a temporary key was bound, {@code u:<temp>} unbound, {@code d:<perm>} a permanent key was destroyed so
 * whatever temporary key is bound to it is unbound ({@link SharedTempKeyBindings});
 * {@code x:<id>:<node>} a client destroyed the key with destroy_auth_key on that node (the other nodes
 * end their sessions of it, so open connections get -404 too); {@code p:<node>:<seq>} a node's heartbeat.
 *
 * <p>Pub/sub is fire-and-forget: a message published while a node's subscription is down is lost
 * to that node. So each node publishes its own heartbeat every {@link #tick()} (about a second)
 * and watches for it to come back; when its own heartbeats stop arriving for {@code staleAfter}, or
 * one is skipped, it assumes it missed messages ({@code onLost}: distrust the id set) and, once they
 * arrive again, resynchronises ({@code onRestored}: reload the id set). Cached keys then rely on
 * the short local TTL as the backstop for deletions it missed.
 */
public final class KeyInvalidations {
    private static final Logger log = LoggerFactory.getLogger(KeyInvalidations.class);

    /** What a node does with a change announced by any node (its own included, harmlessly). */
    public interface Listener {
        void saved(AuthKeyId id);

        void removed(AuthKeyId id);

        default void temporarySaved(AuthKeyId id, long expiresAtMillis) {
        }

        default void bound(AuthKeyId temp, AuthKeyId perm, long untilMillis) {
        }

        default void unbound(AuthKeyId temp) {
        }

        default void permanentUnbound(AuthKeyId perm) {
        }

        /** destroy_auth_key ran on another node (this node's own announcements are not repeated here). */
        default void destroyedElsewhere(AuthKeyId id) {
        }
    }

    private final RedisOps redis;
    private final RedisBreaker breaker;
    private final String channel;
    private final Clock clock;
    private final Duration staleAfter;
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong sent = new AtomicLong();
    private volatile long lastSeqHeard;
    private volatile Instant lastHeard;
    private volatile boolean gap;
    private volatile boolean healthy;
    private volatile Listener listener;
    private volatile Runnable onLost = () -> { };
    private volatile Runnable onRestored = () -> { };

    public KeyInvalidations(RedisOps redis, RedisBreaker breaker, String channel, Clock clock, Duration staleAfter) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    }

    /** Subscribes; the hooks run on the thread calling {@link #tick()}. */
    public void start(Listener listener, Runnable onLost, Runnable onRestored) {
        this.listener = Objects.requireNonNull(listener);
        this.onLost = Objects.requireNonNull(onLost);
        this.onRestored = Objects.requireNonNull(onRestored);
        subscribe();
    }

    private void subscribe() {
        try {
            redis.subscribe(channel, this::onMessage);
        } catch (RuntimeException e) {
            // Retried by tick() for as long as our heartbeats do not come back.
            log.debug("could not subscribe to {} yet: {}", channel, e.toString());
        }
    }

    public void publishSaved(AuthKeyId id) {
        breaker.run(() -> redis.publish(channel, "s:" + id.value()));
    }

    public void publishRemoved(AuthKeyId id) {
        breaker.run(() -> redis.publish(channel, "r:" + id.value()));
    }

    /**
     * Announces a temporary key before it is written; unlike the other publishers this one throws
     * when Redis fails, so that the caller does not write a key nobody heard of.
     */
    public void announceTemporary(AuthKeyId id, long expiresAtMillis) {
        redis.publish(channel, "t:" + id.value() + ":" + expiresAtMillis);
    }

    public void publishBound(AuthKeyId temp, AuthKeyId perm, long untilMillis) {
        breaker.run(() -> redis.publish(channel, "b:" + temp.value() + ":" + perm.value() + ":" + untilMillis));
    }

    public void publishUnbound(AuthKeyId temp) {
        breaker.run(() -> redis.publish(channel, "u:" + temp.value()));
    }

    public void publishPermanentUnbound(AuthKeyId perm) {
        breaker.run(() -> redis.publish(channel, "d:" + perm.value()));
    }

    /** Tells the other nodes that a client destroyed {@code id} here (destroy_auth_key). */
    public void publishDestroyed(AuthKeyId id) {
        breaker.run(() -> redis.publish(channel, "x:" + id.value() + ":" + node));
    }

    /** True while this node's own heartbeats come back: no message can have been missed. */
    public boolean healthy() {
        return healthy;
    }

    /** Sends a heartbeat and updates {@link #healthy()}; call about once a second. */
    public void tick() {
        breaker.run(() -> redis.publish(channel, "p:" + node + ":" + sent.incrementAndGet()));
        Instant heard = lastHeard;
        boolean now = heard != null && !clock.instant().isAfter(heard.plus(staleAfter)) && !gap;
        if (gap) {
            gap = false; // handled now: lost then (if heartbeats flow) restored on the next tick
        }
        if (!now && listener != null && !breaker.isOpen()) {
            subscribe(); // idempotent; a subscription that failed is not retried by every client
        }
        if (healthy && !now) {
            healthy = false;
            log.warn("key invalidation channel {} silent or interrupted: id set distrusted until resync", channel);
            onLost.run();
        } else if (!healthy && now) {
            healthy = true;
            log.info("key invalidation channel {} heard: resynchronising the id set", channel);
            onRestored.run();
        }
    }

    void onMessage(String m) {
        try {
            if (m.startsWith("p:")) {
                int colon = m.indexOf(':', 2);
                if (colon > 0 && m.substring(2, colon).equals(node)) {
                    long seq = Long.parseLong(m.substring(colon + 1));
                    if (lastSeqHeard != 0 && seq != lastSeqHeard + 1) {
                        gap = true;
                    }
                    lastSeqHeard = seq;
                    lastHeard = clock.instant();
                }
                return;
            }
            Listener l = listener;
            if (l == null || m.length() < 3 || m.charAt(1) != ':') {
                return;
            }
            String[] f = m.substring(2).split(":", -1);
            AuthKeyId id = new AuthKeyId(Long.parseLong(f[0]));
            switch (m.charAt(0)) {
                case 's' -> l.saved(id);
                case 'r' -> l.removed(id);
                case 't' -> l.temporarySaved(id, Long.parseLong(f[1]));
                case 'b' -> l.bound(id, new AuthKeyId(Long.parseLong(f[1])), Long.parseLong(f[2]));
                case 'u' -> l.unbound(id);
                case 'd' -> l.permanentUnbound(id);
                case 'x' -> {
                    if (f.length > 1 && !f[1].equals(node)) {
                        l.destroyedElsewhere(id);
                    }
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            log.debug("ignored malformed key invalidation message: {}", e.toString());
        }
    }
}
