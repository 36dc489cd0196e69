package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole key storage of one node, assembled: this node's memory ({@link CachingAuthKeyStore}) over
 * {@link TieredAuthKeyStore} (temporary keys, the permanent id set, Redis when configured, the
 * database). {@link #store()} is what the gateway uses; {@link #maintain()} must be called about
 * once a second (heartbeat of the invalidation channel, periodic reload of the id set);
 * {@link #health()} feeds the health endpoint. No Spring here: the application wires it.
 */
public final class AuthKeyStorage {
    private static final Logger log = LoggerFactory.getLogger(AuthKeyStorage.class);

    /**
     * This node's memory cache and id set.
     *
     * @param idRefreshInterval         how often the id set is reloaded from the database anyway
     * @param maxUntrustedMissesPerSecond database lookups a second for ids outside an untrusted set
     */
    public record Settings(int maxKnown, Duration ttl, int maxUnknown, Duration negativeTtl,
                           Duration idRefreshInterval, int maxUntrustedMissesPerSecond) {
    }

    /**
     * The Redis tier.
     *
     * @param prefix       prepended to every Redis key ({@code mtgate:})
     * @param ttl          permanent keys cached for this (± 5 %)
     * @param negativeTtl  unknown ids cached for this
     * @param retryAfter   after a Redis failure no command is tried for this long
     * @param staleAfter   own heartbeats missing this long: the invalidation channel is considered lost
     * @param tempIdRefreshInterval the temporary key id set is reloaded from Redis this often anyway
     * @param unannouncedTempChecksPerSecond lookups a second of ids outside the temporary id set that
     *                     still ask Redis (a key made elsewhere whose announcement is still in flight)
     */
    public record SharedTier(RedisOps ops, SharedKeyCodec codec, String prefix, Duration ttl, Duration negativeTtl,
                             Duration retryAfter, Duration staleAfter, Duration tempIdRefreshInterval,
                             int unannouncedTempChecksPerSecond) {
        public static final Duration DEFAULT_TEMP_ID_REFRESH = Duration.ofMinutes(5);
        public static final int DEFAULT_UNANNOUNCED_TEMP_CHECKS = 50;

        public SharedTier(RedisOps ops, SharedKeyCodec codec, String prefix, Duration ttl, Duration negativeTtl,
                          Duration retryAfter, Duration staleAfter) {
            this(ops, codec, prefix, ttl, negativeTtl, retryAfter, staleAfter, DEFAULT_TEMP_ID_REFRESH,
                    DEFAULT_UNANNOUNCED_TEMP_CHECKS);
        }
    }

    /** What the health endpoint shows. */
    public record Health(boolean redisEnabled, boolean redisAvailable, boolean channelHealthy, boolean idsTrusted,
                         int ids, String lastRedisError, Instant redisStateSince, long filteredLookups,
                         long redisAnswers, long databaseLookups, long shedLookups, boolean tempIdsTrusted,
                         int tempIds, long tempFilteredLookups, long tempRedisLookups) {
        /** Redis configured but not serving (or its invalidations not heard): the database serves. */
        public boolean degraded() {
            return redisEnabled && (!redisAvailable || !channelHealthy);
        }
    }

    private final CachingAuthKeyStore store;
    private final TieredAuthKeyStore tiered;
    private final PermanentKeyIds ids = new PermanentKeyIds();
    private final RedisBreaker breaker; // null without Redis
    private final KeyInvalidations invalidations; // null without Redis
    private final SharedTemporaryKeys sharedTemporaryKeys; // null without Redis
    private final Clock clock;
    private final Duration refreshInterval;
    private final Duration tempRefreshInterval;
    private final RedisOps redisOps; // null without Redis
    private final String prefix;
    private volatile boolean refreshRequested;
    private volatile Instant nextRefresh = Instant.MIN;
    private volatile boolean tempRefreshRequested;
    private volatile SharedTempKeyBindings sharedBindings; // null: none, or no Redis
    private volatile boolean bindingsResyncRequested;
    private volatile Instant nextTempRefresh = Instant.MIN;
    private volatile java.util.function.Consumer<AuthKeyId> destroyedElsewhere = id -> { };

    public AuthKeyStorage(DataSource dataSource, InMemoryTemporaryKeys localTemporaryKeys, Clock clock, Settings settings,
                          SharedTier redis) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshInterval = settings.idRefreshInterval();
        TemporaryKeys temporaryKeys = localTemporaryKeys;
        SharedKeyCache shared = null;
        if (redis != null) {
            breaker = new RedisBreaker(clock, redis.retryAfter());
            invalidations = new KeyInvalidations(redis.ops(), breaker, redis.prefix() + "invalidations", clock,
                    redis.staleAfter());
            sharedTemporaryKeys = new SharedTemporaryKeys(redis.ops(), breaker, redis.codec(), redis.prefix(), clock,
                    localTemporaryKeys, new TemporaryKeyIds(), invalidations::announceTemporary,
                    redis.unannouncedTempChecksPerSecond());
            temporaryKeys = sharedTemporaryKeys;
            shared = new SharedKeyCache(redis.ops(), breaker, redis.codec(), redis.prefix(), redis.ttl(),
                    redis.negativeTtl());
            tempRefreshInterval = redis.tempIdRefreshInterval();
            redisOps = redis.ops();
            prefix = redis.prefix();
        } else {
            breaker = null;
            invalidations = null;
            sharedTemporaryKeys = null;
            tempRefreshInterval = null;
            redisOps = null;
            prefix = null;
        }
        JdbcAuthKeyStore database = JdbcAuthKeyStore.create(dataSource, temporaryKeys);
        tiered = new TieredAuthKeyStore(database, ids, shared, invalidations, clock,
                settings.maxUntrustedMissesPerSecond());
        store = new CachingAuthKeyStore(tiered, clock, settings.maxKnown(), settings.ttl(), settings.maxUnknown(),
                settings.negativeTtl());
    }

    /** Subscribes to the invalidation channel and loads the id set (a database failure is retried). */
    public AuthKeyStorage start() {
        if (invalidations != null) {
            TemporaryKeyIds tempIds = sharedTemporaryKeys.ids();
            Runnable distrust = () -> {
                ids.distrust();
                tempIds.distrust();
            };
            breaker.onTransitions(distrust, () -> { });
            invalidations.start(new KeyInvalidations.Listener() {
                @Override
                public void saved(AuthKeyId id) {
                    ids.add(id);
                    store.evict(id);
                }

                @Override
                public void removed(AuthKeyId id) {
                    store.evict(id);
                }

                @Override
                public void temporarySaved(AuthKeyId id, long expiresAtMillis) {
                    tempIds.add(id.value(), expiresAtMillis);
                    store.evict(id);
                }

                @Override
                public void bound(AuthKeyId temp, AuthKeyId perm, long untilMillis) {
                    SharedTempKeyBindings b = sharedBindings;
                    if (b != null) {
                        b.applyBound(temp, perm, untilMillis);
                    }
                }

                @Override
                public void unbound(AuthKeyId temp) {
                    SharedTempKeyBindings b = sharedBindings;
                    if (b != null) {
                        b.applyUnbound(temp);
                    }
                }

                @Override
                public void permanentUnbound(AuthKeyId perm) {
                    SharedTempKeyBindings b = sharedBindings;
                    if (b != null) {
                        b.applyPermanentUnbound(perm);
                    }
                }

                @Override
                public void destroyedElsewhere(AuthKeyId id) {
                    store.evict(id);
                    destroyedElsewhere.accept(id);
                }
            }, distrust, () -> {
                refreshRequested = true;
                tempRefreshRequested = true;
                bindingsResyncRequested = true;
            });
            refreshTemporaryIds();
        }
        refresh();
        return this;
    }

    /**
     * Tells the other nodes that a client destroyed {@code id} on this one (destroy_auth_key), so
     * that they end their sessions of it: their open connections with the key get -404 as this
     * node's do. Without Redis there is no other node to tell. Does not block for long: one publish,
     * skipped while the Redis breaker is open (the other nodes then keep serving connections they
     * already have with the key until those close; new connections get -404 from the store).
     */
    public void announceDestroyed(AuthKeyId id) {
        if (invalidations != null) {
            invalidations.publishDestroyed(id);
        }
    }

    /** What to do when another node announces a destroyed key (see {@link #announceDestroyed}). */
    public void onDestroyedElsewhere(java.util.function.Consumer<AuthKeyId> action) {
        this.destroyedElsewhere = java.util.Objects.requireNonNull(action);
    }

    /** Heartbeat and periodic reload; call about once a second from one thread. */
    public void maintain() {
        if (invalidations != null) {
            invalidations.tick();
        }
        // An untrusted set is reloaded as soon as the channel is heard: the breaker may have opened
        // (and distrusted the set) for a moment without the heartbeats ever going stale.
        boolean heard = invalidations == null || invalidations.healthy();
        if (refreshRequested || !clock.instant().isBefore(nextRefresh) || (!ids.trusted() && heard)) {
            refresh();
        }
        SharedTempKeyBindings b = sharedBindings;
        if (b != null && bindingsResyncRequested && heard) {
            bindingsResyncRequested = false;
            b.resync();
        }
        if (sharedTemporaryKeys != null && (tempRefreshRequested || !clock.instant().isBefore(nextTempRefresh)
                || (!sharedTemporaryKeys.ids().trusted() && heard))) {
            refreshTemporaryIds();
        }
    }

    /**
     * The temporary key bindings this node should use: {@code local} itself without Redis; with Redis,
     * bindings shared by every node with {@code local} as this node's mirror (see
     * {@link SharedTempKeyBindings}). Call once.
     */
    public TempKeyBindings shareBindings(InMemoryTempKeyBindings local) {
        if (invalidations == null) {
            return local;
        }
        SharedTempKeyBindings b = new SharedTempKeyBindings(redisOps, breaker, invalidations, prefix, clock, local);
        sharedBindings = b;
        return b;
    }

    private void refreshTemporaryIds() {
        tempRefreshRequested = false;
        if (sharedTemporaryKeys.refreshIds(invalidations.healthy())) {
            nextTempRefresh = clock.instant().plus(tempRefreshInterval);
        } else {
            tempRefreshRequested = true; // Redis away: the breaker makes the retry free until it is back
        }
    }

    private void refresh() {
        refreshRequested = false;
        try {
            tiered.refreshIds();
            nextRefresh = clock.instant().plus(refreshInterval);
        } catch (RuntimeException e) {
            // The database is away: keep the set we have (and its trust); try again next tick.
            if (!refreshRequested) {
                log.warn("could not load the permanent key ids: {}", e.toString());
            }
            refreshRequested = true;
        }
    }

    /** The store the gateway uses. */
    public CachingAuthKeyStore store() {
        return store;
    }

    /** Drops every node's cached copy of a key (after its bindings changed). */
    public void invalidate(AuthKeyId id) {
        store.evict(id);
        tiered.announceChanged(id);
    }

    public Health health() {
        return new Health(invalidations != null, breaker != null && !breaker.isOpen(),
                invalidations == null || invalidations.healthy(), ids.trusted(), ids.size(),
                breaker == null ? "" : breaker.lastError(), breaker == null ? null : breaker.since(),
                tiered.filtered.sum(), tiered.sharedHits.sum(), tiered.databaseLookups.sum(), tiered.shed.sum(),
                sharedTemporaryKeys == null || sharedTemporaryKeys.ids().trusted(),
                sharedTemporaryKeys == null ? 0 : sharedTemporaryKeys.ids().size(),
                sharedTemporaryKeys == null ? 0 : sharedTemporaryKeys.filtered.sum(),
                sharedTemporaryKeys == null ? 0 : sharedTemporaryKeys.redisLookups.sum());
    }
}
