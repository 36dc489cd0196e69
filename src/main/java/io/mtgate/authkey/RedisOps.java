package io.mtgate.authkey;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The few Redis commands the shared key tier uses, so that the protocol core does not depend on a
 * Redis client (the Lettuce / Spring Data Redis implementation is {@code io.mtgate.authkey.redis}).
 * Every method may throw any {@link RuntimeException} when Redis is unreachable or slow; callers go
 * through {@link RedisBreaker} and never let such a failure fail a lookup or a save.
 */
public interface RedisOps {

    /** GET; null when absent. */
    String get(String key);

    /** SET key value PX ttl (overwrites). */
    void set(String key, String value, Duration ttl);

    /** SET key value NX PX ttl; true when it was set. */
    boolean setIfAbsent(String key, String value, Duration ttl);

    /** DEL; true when the key existed. */
    boolean delete(String key);

    /** HSETNX; true when the field was set. */
    boolean hashPutIfAbsent(String key, String field, String value);

    /** HGETALL (empty when absent). */
    Map<String, String> hashEntries(String key);

    /** PEXPIRE (relative: the gateway's clock and Redis's need not agree). */
    void expire(String key, Duration ttl);

    /** ZADD key score member (adds, or moves an existing member to the new score). */
    void sortedSetAdd(String key, String member, double score);

    /** ZRANGEBYSCORE key min +inf: the members whose score is at least {@code min}. */
    List<String> sortedSetFrom(String key, double min);

    /** ZREMRANGEBYSCORE key -inf (max (exclusive): the members whose score is below {@code max}. */
    void sortedSetRemoveBelow(String key, double max);

    /** PUBLISH. */
    void publish(String channel, String message);

    /**
     * Subscribes to a channel for the life of the application; the implementation resubscribes by
     * itself after Redis comes back (messages sent meanwhile are lost: see {@link KeyInvalidations}).
     */
    void subscribe(String channel, Consumer<String> listener);
}
