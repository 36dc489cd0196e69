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
 * <p>Messages (ASCII): {@code s:<id>} a key was saved (others add it to their {@link PermanentKeyIds}
 * and drop a cached "unknown"); {@code r:<id>} a key was deleted or its bindings changed (others drop
 * their cached copy); {@code p:<node>:<seq>} a node's heartbeat.
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
            if (l == null || m.length() < 3) {
                return;
            }
            AuthKeyId id = new AuthKeyId(Long.parseLong(m.substring(2)));
            if (m.startsWith("s:")) {
                l.saved(id);
            } else if (m.startsWith("r:")) {
                l.removed(id);
            }
        } catch (RuntimeException e) {
            log.debug("ignored malformed key invalidation message: {}", e.toString());
        }
    }
}
