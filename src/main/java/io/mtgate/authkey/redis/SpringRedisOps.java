package io.mtgate.authkey.redis;

import io.mtgate.authkey.RedisOps;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * {@link RedisOps} over Spring Data Redis (Lettuce): commands through a {@link StringRedisTemplate}
 * on the shared native connection, the subscription through a {@link RedisMessageListenerContainer}
 * (which resubscribes by itself after Redis comes back). Command timeouts come from
 * {@code spring.data.redis.timeout}; {@link LettuceTuning} makes a disconnected client fail at once
 * instead of queueing commands.
 */
public final class SpringRedisOps implements RedisOps {
    private final StringRedisTemplate redis;
    private final RedisMessageListenerContainer listeners;
    private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
    private final Map<String, MessageListener> adapters = new ConcurrentHashMap<>();

    public SpringRedisOps(StringRedisTemplate redis, RedisMessageListenerContainer listeners) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.listeners = Objects.requireNonNull(listeners, "listeners");
    }

    @Override
    public String get(String key) {
        return redis.opsForValue().get(key);
    }

    @Override
    public void set(String key, String value, Duration ttl) {
        redis.opsForValue().set(key, value, ttl);
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration ttl) {
        return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(key, value, ttl));
    }

    @Override
    public boolean delete(String key) {
        return Boolean.TRUE.equals(redis.delete(key));
    }

    @Override
    public boolean hashPutIfAbsent(String key, String field, String value) {
        return Boolean.TRUE.equals(redis.<String, String>opsForHash().putIfAbsent(key, field, value));
    }

    @Override
    public Map<String, String> hashEntries(String key) {
        return new HashMap<>(redis.<String, String>opsForHash().entries(key));
    }

    @Override
    public void expire(String key, Duration ttl) {
        redis.expire(key, ttl);
    }

    @Override
    public void sortedSetAdd(String key, String member, double score) {
        redis.opsForZSet().add(key, member, score);
    }

    @Override
    public List<String> sortedSetFrom(String key, double min) {
        Set<String> members = redis.opsForZSet().rangeByScore(key, min, Double.POSITIVE_INFINITY);
        return members == null ? List.of() : new ArrayList<>(members);
    }

    @Override
    public void sortedSetRemoveBelow(String key, double max) {
        // "(max" in Redis terms: a member scored exactly max (expiring this millisecond) stays.
        redis.opsForZSet().removeRangeByScore(key, Double.NEGATIVE_INFINITY, Math.nextDown(max));
    }

    @Override
    public void publish(String channel, String message) {
        redis.convertAndSend(channel, message);
    }

    /**
     * Idempotent per channel: the container does not retry a subscription whose first attempt failed
     * (Redis away at start-up), so {@code KeyInvalidations} calls this again while it hears nothing.
     */
    @Override
    public void subscribe(String channel, Consumer<String> listener) {
        handlers.put(channel, listener);
        MessageListener adapter = adapters.computeIfAbsent(channel, c -> (message, pattern) -> {
            Consumer<String> h = handlers.get(c);
            if (h != null) {
                h.accept(new String(message.getBody(), StandardCharsets.US_ASCII));
            }
        });
        listeners.addMessageListener(adapter, new ChannelTopic(channel));
    }
}
