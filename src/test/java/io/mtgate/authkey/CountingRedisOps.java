package io.mtgate.authkey;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A real {@link RedisOps} with every command counted ({@link #commands}: all but PUBLISH, which
 * carries the heartbeats; {@link #gets}: GET), and a switch that makes this node deaf to the
 * invalidation channel (incoming messages dropped, as during a lost subscription), and one that
 * makes its commands fail ({@link #down}).
 */
final class CountingRedisOps implements RedisOps {
    private final RedisOps real;
    final AtomicLong commands = new AtomicLong();
    final AtomicLong gets = new AtomicLong();
    volatile boolean deaf;
    /** Every command (PUBLISH included) fails, as when this node cannot reach Redis. */
    volatile boolean down;

    CountingRedisOps(RedisOps real) {
        this.real = real;
    }

    /** Runs (once) right after the GET of a key it accepts returns: what happens while a reply is in flight. */
    volatile java.util.function.Predicate<String> afterGet;

    @Override
    public String get(String key) {
        failIfDown();
        commands.incrementAndGet();
        gets.incrementAndGet();
        String value = real.get(key);
        java.util.function.Predicate<String> hook = afterGet;
        if (hook != null && hook.test(key)) {
            afterGet = null;
        }
        return value;
    }

    @Override
    public void set(String key, String value, Duration ttl) {
        failIfDown();
        commands.incrementAndGet();
        real.set(key, value, ttl);
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration ttl) {
        failIfDown();
        commands.incrementAndGet();
        return real.setIfAbsent(key, value, ttl);
    }

    @Override
    public boolean delete(String key) {
        failIfDown();
        commands.incrementAndGet();
        return real.delete(key);
    }

    @Override
    public boolean hashPutIfAbsent(String key, String field, String value) {
        failIfDown();
        commands.incrementAndGet();
        return real.hashPutIfAbsent(key, field, value);
    }

    @Override
    public Map<String, String> hashEntries(String key) {
        failIfDown();
        commands.incrementAndGet();
        return real.hashEntries(key);
    }

    @Override
    public void expire(String key, Duration ttl) {
        failIfDown();
        commands.incrementAndGet();
        real.expire(key, ttl);
    }

    @Override
    public void sortedSetAdd(String key, String member, double score) {
        failIfDown();
        commands.incrementAndGet();
        real.sortedSetAdd(key, member, score);
    }

    @Override
    public List<String> sortedSetFrom(String key, double min) {
        failIfDown();
        commands.incrementAndGet();
        return real.sortedSetFrom(key, min);
    }

    @Override
    public void sortedSetRemoveBelow(String key, double max) {
        failIfDown();
        commands.incrementAndGet();
        real.sortedSetRemoveBelow(key, max);
    }

    @Override
    public void publish(String channel, String message) {
        failIfDown();
        real.publish(channel, message);
    }

    private void failIfDown() {
        if (down) {
            throw new IllegalStateException("Redis unreachable (test)");
        }
    }

    @Override
    public void subscribe(String channel, Consumer<String> listener) {
        real.subscribe(channel, m -> {
            if (!deaf) {
                listener.accept(m);
            }
        });
    }
}
