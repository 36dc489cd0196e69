package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Permanent keys cached in Redis, shared by every gateway node, between the node's own memory and
 * the database.
 *
 * <ul>
 *   <li>Key {@code <prefix>ak:<auth_key_id>} (signed decimal), value {@link SharedKeyCodec}, TTL
 *       {@code ttl} ± 5 % (Teamgram: 7 days ± 5 %, so that keys cached together do not all expire in
 *       the same second).</li>
 *   <li>An id the database does not know: the value {@code *} for {@code negativeTtl} (Teamgram's
 *       marker and its 1 minute).</li>
 *   <li>Fills after a database read use {@code SET NX}, authoritative writes (a save, a delete's
 *       tombstone) plain {@code SET}: a slow reader can never overwrite a newer truth (a reader that
 *       saw a key just before its deletion cannot put it back over the tombstone; one that saw
 *       "absent" just before a save cannot hide the saved key).</li>
 * </ul>
 * Every call goes through the {@link RedisBreaker}; a failure means "no answer from this tier".
 */
public final class SharedKeyCache {
    public static final String NEGATIVE = "*";

    /** What Redis said about an id. */
    public sealed interface Lookup {
        record Hit(StoredAuthKey key) implements Lookup { }

        record Unknown() implements Lookup { }

        /** Not cached, unreadable, or Redis unavailable: ask the database. */
        record Miss() implements Lookup { }
    }

    private static final Lookup.Unknown UNKNOWN = new Lookup.Unknown();
    private static final Lookup.Miss MISS = new Lookup.Miss();

    private final RedisOps redis;
    private final RedisBreaker breaker;
    private final SharedKeyCodec codec;
    private final String prefix;
    private final Duration ttl;
    private final Duration negativeTtl;

    public SharedKeyCache(RedisOps redis, RedisBreaker breaker, SharedKeyCodec codec, String prefix, Duration ttl,
                          Duration negativeTtl) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.negativeTtl = Objects.requireNonNull(negativeTtl, "negativeTtl");
    }

    public String redisKey(AuthKeyId id) {
        return prefix + "ak:" + id.value();
    }

    public Lookup find(AuthKeyId id) {
        Optional<String> v = breaker.call(() -> redis.get(redisKey(id)));
        if (v.isEmpty()) {
            return MISS;
        }
        if (NEGATIVE.equals(v.get())) {
            return UNKNOWN;
        }
        StoredAuthKey key = codec.decode(id, v.get());
        return key == null || key.type().isTemporary() ? MISS : new Lookup.Hit(key);
    }

    /** A key just saved (authoritative: overwrites a negative entry). */
    public void put(StoredAuthKey key) {
        breaker.run(() -> redis.set(redisKey(key.id()), codec.encode(key), jittered()));
    }

    /** A key read from the database (does not overwrite anything newer). */
    public void fill(StoredAuthKey key) {
        breaker.run(() -> redis.setIfAbsent(redisKey(key.id()), codec.encode(key), jittered()));
    }

    /** An id the database does not have (does not overwrite a key saved meanwhile). */
    public void fillUnknown(AuthKeyId id) {
        breaker.run(() -> redis.setIfAbsent(redisKey(id), NEGATIVE, negativeTtl));
    }

    /** A deleted key: a tombstone, so that late fills cannot bring it back. Ids are never reused. */
    public void tombstone(AuthKeyId id) {
        breaker.run(() -> redis.set(redisKey(id), NEGATIVE, ttl));
    }

    private Duration jittered() {
        long ms = ttl.toMillis();
        long spread = ms / 20;
        return Duration.ofMillis(ms + (spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(-spread, spread + 1)));
    }
}
