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
import java.util.concurrent.atomic.LongAdder;

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
 *
 * <p>Ids of live keys: sorted set {@code <prefix>tki}, member = id, score = expiresAt (unix ms),
 * trimmed of expired members whenever a node reloads its {@link TemporaryKeyIds} from it. A new key
 * is announced on the invalidation channel and added to that index <em>before</em> it is written,
 * so every node's id set knows it before any client can. A lookup of an id outside a trusted id
 * set asks Redis only within a small budget per second ({@code unannouncedChecksPerSecond}): that
 * covers a key made on another node whose announcement this node has not processed yet (a client
 * that reconnects elsewhere within milliseconds of {@code dh_gen_ok}), while a flood of random ids
 * spends the budget and is then answered "unknown" without Redis. Should that rare race still lose,
 * the client gets -404 for a temporary key and creates a new one (the protocol's normal path).
 */
public final class SharedTemporaryKeys implements TemporaryKeys {
    private final RedisOps redis;
    private final RedisBreaker breaker;
    private final SharedKeyCodec codec;
    private final String prefix;
    private final Clock clock;
    private final InMemoryTemporaryKeys local;
    private final TemporaryKeyIds ids;
    private final Announcer announcer;
    private final int unannouncedChecksPerSecond;
    private long windowSecond = Long.MIN_VALUE;
    private int windowCount;
    final LongAdder filtered = new LongAdder();
    final LongAdder redisLookups = new LongAdder();

    /** Tells every node about a temporary key before it is written; throws when it cannot. */
    public interface Announcer {
        void announce(AuthKeyId id, long expiresAtMillis);
    }

    public SharedTemporaryKeys(RedisOps redis, RedisBreaker breaker, SharedKeyCodec codec, String prefix, Clock clock,
                               InMemoryTemporaryKeys local, TemporaryKeyIds ids, Announcer announcer,
                               int unannouncedChecksPerSecond) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.local = Objects.requireNonNull(local, "local");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.announcer = Objects.requireNonNull(announcer, "announcer");
        if (unannouncedChecksPerSecond < 0) {
            throw new IllegalArgumentException("unannouncedChecksPerSecond must not be negative");
        }
        this.unannouncedChecksPerSecond = unannouncedChecksPerSecond;
    }

    private String index() {
        return prefix + "tki";
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
        if (here.isPresent()) {
            return here;
        }
        if (!ids.mightContain(id.value()) && !admitUnannouncedCheck()) {
            filtered.increment();
            return Optional.empty();
        }
        return shared(id);
    }

    private synchronized boolean admitUnannouncedCheck() {
        long second = clock.instant().getEpochSecond();
        if (second != windowSecond) {
            windowSecond = second;
            windowCount = 0;
        }
        if (windowCount >= unannouncedChecksPerSecond) {
            return false;
        }
        windowCount++;
        return true;
    }

    private Optional<StoredAuthKey> shared(AuthKeyId id) {
        redisLookups.increment();
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
        long expiresAtMillis = key.expiresAt().toEpochMilli();
        Optional<Boolean> set = breaker.call(() -> {
            // Announced and indexed before it exists: no node's id set can lag behind a client.
            ids.add(key.id().value(), expiresAtMillis);
            announcer.announce(key.id(), expiresAtMillis);
            redis.sortedSetAdd(index(), Long.toString(key.id().value()), expiresAtMillis);
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

    /**
     * Reloads the id set from the Redis index (dropping expired members from the index first).
     *
     * @return false when Redis did not answer (the set and its trust are kept)
     */
    public boolean refreshIds(boolean trustAfter) {
        long now = clock.millis();
        Optional<List<String>> members = breaker.call(() -> {
            redis.sortedSetRemoveBelow(index(), now);
            return redis.sortedSetFrom(index(), now);
        });
        if (members.isEmpty()) {
            return false;
        }
        List<String> m = members.get();
        ids.refresh(() -> {
            long[] live = new long[m.size()];
            for (int i = 0; i < live.length; i++) {
                live[i] = Long.parseLong(m.get(i));
            }
            return live;
        }, now, trustAfter);
        return true;
    }

    public TemporaryKeyIds ids() {
        return ids;
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
