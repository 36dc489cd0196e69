package io.mtgate.authkey;

import io.mtgate.authkey.AuthKeyStore.SaveResult;
import io.mtgate.crypto.AuthKeyId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Temporary keys in Redis, so that a client whose connection moves to another node keeps its
 * temporary key. Never in SQL.
 *
 * <ul>
 *   <li>Key {@code <prefix>tk:<id>}, value {@link SharedKeyCodec} (sealed when a secret is set),
 *       written with {@code SET NX PX <remaining life>}: Redis drops it when it expires, and the
 *       value's own expiresAt is checked against the injected clock on every read as well.</li>
 *   <li>Salts: hash {@code <prefix>tks:<id>}, field = salt (decimal), value
 *       {@code <validSince>:<validUntil>} in unix seconds, expiring with the key.</li>
 *   <li>While Redis is unavailable, new temporary keys go to this node's RAM ({@code local}) and
 *       are found there first; keys that only Redis holds are then unknown to this node, which
 *       answers -404 and the client creates a new temporary key (the protocol's normal path).</li>
 * </ul>
 * The count of keys is bounded by Redis's {@code maxmemory}, not by {@code mtgate.temp-keys.max-count}
 * (which bounds {@code local}).
 */
public final class SharedTemporaryKeys implements TemporaryKeys {
    private final RedisOps redis;
    private final RedisBreaker breaker;
    private final SharedKeyCodec codec;
    private final String prefix;
    private final Clock clock;
    private final InMemoryTemporaryKeys local;

    public SharedTemporaryKeys(RedisOps redis, RedisBreaker breaker, SharedKeyCodec codec, String prefix, Clock clock,
                               InMemoryTemporaryKeys local) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.local = Objects.requireNonNull(local, "local");
    }

    private String keyOf(AuthKeyId id) {
        return prefix + "tk:" + id.value();
    }

    private String saltsOf(AuthKeyId id) {
        return prefix + "tks:" + id.value();
    }

    @Override
    public Optional<StoredAuthKey> find(AuthKeyId id) {
        Optional<StoredAuthKey> here = local.find(id);
        return here.isPresent() ? here : shared(id);
    }

    private Optional<StoredAuthKey> shared(AuthKeyId id) {
        Optional<String> v = breaker.call(() -> redis.get(keyOf(id)));
        if (v.isEmpty()) {
            return Optional.empty();
        }
        StoredAuthKey key = codec.decode(id, v.get());
        if (key == null || !key.type().isTemporary() || key.isExpiredAt(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(key);
    }

    @Override
    public SaveResult save(StoredAuthKey key) {
        Objects.requireNonNull(key, "key");
        if (!key.type().isTemporary()) {
            throw new IllegalArgumentException("not a temporary key: " + key);
        }
        Instant now = clock.instant();
        if (key.isExpiredAt(now)) {
            throw new IllegalArgumentException("temporary key already expired at " + now + ": " + key);
        }
        if (local.contains(key.id())) {
            return SaveResult.DUPLICATE_ID;
        }
        Duration life = Duration.between(now, key.expiresAt());
        Duration px = life.toMillis() < 1 ? Duration.ofMillis(1) : life;
        Optional<Boolean> set = breaker.call(() -> {
            if (redis.setIfAbsent(keyOf(key.id()), codec.encode(key), px)) {
                return true;
            }
            // An entry whose value has expired by our clock (Redis keeps it a little longer when the
            // clocks differ) does not block the id; otherwise the id is taken.
            if (shared(key.id()).isPresent()) {
                return false;
            }
            redis.set(keyOf(key.id()), codec.encode(key), px);
            return true;
        });
        if (set.isEmpty()) {
            return local.save(key); // Redis away: this node only, until it expires
        }
        if (set.get()) {
            breaker.run(() -> redis.delete(saltsOf(key.id()))); // salts of an expired predecessor
            return SaveResult.SAVED;
        }
        return SaveResult.DUPLICATE_ID;
    }

    @Override
    public boolean delete(AuthKeyId id) {
        boolean wasLocal = local.delete(id);
        boolean wasShared = shared(id).isPresent();
        breaker.run(() -> {
            redis.delete(keyOf(id));
            redis.delete(saltsOf(id));
        });
        return wasLocal || wasShared;
    }

    @Override
    public boolean addSalt(AuthKeyId id, ServerSalt salt) {
        if (local.addSalt(id, salt)) {
            return true;
        }
        Optional<StoredAuthKey> key = shared(id);
        if (key.isEmpty()) {
            return false;
        }
        return breaker.run(() -> {
            String h = saltsOf(id);
            redis.hashPutIfAbsent(h, Long.toString(salt.salt()),
                    salt.validSince().getEpochSecond() + ":" + salt.validUntil().getEpochSecond());
            Duration left = Duration.between(clock.instant(), key.get().expiresAt());
            redis.expire(h, left.toMillis() < 1 ? Duration.ofMillis(1) : left);
        });
    }

    @Override
    public List<ServerSalt> salts(AuthKeyId id) {
        if (local.contains(id)) {
            return local.salts(id);
        }
        if (shared(id).isEmpty()) {
            return List.of();
        }
        Map<String, String> raw = breaker.call(() -> redis.hashEntries(saltsOf(id))).orElse(Map.of());
        List<ServerSalt> salts = new ArrayList<>(raw.size());
        raw.forEach((field, value) -> {
            int colon = value.indexOf(':');
            salts.add(new ServerSalt(Long.parseLong(field), Instant.ofEpochSecond(Long.parseLong(value.substring(0, colon))),
                    Instant.ofEpochSecond(Long.parseLong(value.substring(colon + 1)))));
        });
        salts.sort(Comparator.comparing(ServerSalt::validSince));
        return List.copyOf(salts);
    }
}
