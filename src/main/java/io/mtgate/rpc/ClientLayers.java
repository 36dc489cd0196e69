package io.mtgate.rpc;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mtgate.crypto.AuthKeyId;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layer and initConnection data last known per auth key: in memory (bounded), persisted to the
 * {@code auths} table off the event loop.
 *
 * <ul>
 *   <li>Memory: the key the query arrived with and, when it acts for a permanent key, that key too.
 *       A temporary key's clients usually send initConnection again right after binding
 *       (checklist 2.10); until then the permanent key's entry applies.</li>
 *   <li>Persistence: only for a permanent key (the arriving one, or the one a temporary key is bound
 *       to); temporary keys live in memory only and so does what they said while unbound. A query
 *       with initConnection upserts the row; a query with only invokeWithLayer naming a new layer
 *       updates the layer of an existing row.</li>
 *   <li>Lookup of a key not in memory loads the permanent key's row on the blocking executor once
 *       (concurrent lookups share the load); a key with no row is remembered as
 *       {@link KnownClient#UNKNOWN}, so it is not looked up again.</li>
 * </ul>
 * Writes are fire-and-forget: a failed write is logged and the memory entry still serves.
 */
public final class ClientLayers {
    private static final Logger log = LoggerFactory.getLogger(ClientLayers.class);

    /**
     * @param clientLayer the layer the client named; 0 when it never did
     * @param clientInfo  its last initConnection, or null
     */
    public record KnownClient(int clientLayer, ClientInfo clientInfo) {
        public static final KnownClient UNKNOWN = new KnownClient(0, null);
    }

    private final AuthsRepository repository;
    private final Executor blocking;
    private final InstantSource clock;
    private final AsyncCache<AuthKeyId, KnownClient> cache;

    /**
     * @param blocking   where the repository is called (bounded; never an event loop)
     * @param maxEntries keys remembered in memory at most
     * @param idleTtl    an entry not used for this long is dropped (reloaded from the table if needed)
     */
    public ClientLayers(AuthsRepository repository, Executor blocking, InstantSource clock, long maxEntries,
            Duration idleTtl) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterAccess(idleTtl).buildAsync();
    }

    /**
     * What is known for a query on {@code key} acting for {@code permanent} (null for an unbound
     * temporary key). Completes at once from memory; otherwise after a load on the blocking executor.
     */
    public CompletionStage<KnownClient> lookup(AuthKeyId key, AuthKeyId permanent) {
        CompletableFuture<KnownClient> f = cache.getIfPresent(key);
        if (f != null) {
            return f;
        }
        if (permanent == null) {
            return CompletableFuture.completedFuture(KnownClient.UNKNOWN);
        }
        try {
            return cache.get(permanent, (id, ignored) -> CompletableFuture.supplyAsync(
                    () -> repository.find(id).map(r -> new KnownClient(r.layer(), r.client()))
                            .orElse(KnownClient.UNKNOWN), blocking));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * What memory holds for {@code key} (else for {@code permanent}), without loading anything:
     * for a query that states its layer, which needs no stored one. {@link KnownClient#UNKNOWN}
     * when nothing is in memory.
     */
    public KnownClient peek(AuthKeyId key, AuthKeyId permanent) {
        for (AuthKeyId id : new AuthKeyId[] {key, permanent}) {
            CompletableFuture<KnownClient> f = id == null ? null : cache.getIfPresent(id);
            if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
                return f.join();
            }
        }
        return KnownClient.UNKNOWN;
    }

    /**
     * Records what this query said (a stated layer and/or initConnection) on top of {@code previous}
     * and returns the merged view; persists it for a permanent key.
     *
     * @param layer  the layer of invokeWithLayer, or null
     * @param client initConnection, or null
     */
    public KnownClient remember(AuthKeyId key, AuthKeyId permanent, Integer layer, ClientInfo client,
            SocketAddress address, KnownClient previous) {
        KnownClient merged = new KnownClient(layer != null ? layer : previous.clientLayer(),
                client != null ? client : previous.clientInfo());
        if (merged.equals(previous) && client == null) {
            return previous;
        }
        CompletableFuture<KnownClient> done = CompletableFuture.completedFuture(merged);
        cache.put(key, done);
        if (permanent != null && !permanent.equals(key)) {
            cache.put(permanent, done);
        }
        if (permanent == null) {
            return merged;
        }
        long now = clock.instant().getEpochSecond();
        if (client != null) {
            AuthRecord row = new AuthRecord(permanent, merged.clientLayer(), client, ip(address), now);
            write(() -> repository.upsert(row), permanent);
        } else if (layer != null && layer != previous.clientLayer()) {
            write(() -> repository.updateLayer(permanent, layer, now), permanent);
        }
        return merged;
    }

    private void write(Runnable w, AuthKeyId id) {
        try {
            blocking.execute(() -> {
                try {
                    w.run();
                } catch (RuntimeException e) {
                    log.warn("could not store the auths row of key {}", id, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn("auths write for key {} dropped: executor saturated", id);
        }
    }

    static String ip(SocketAddress a) {
        if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
            return isa.getAddress().getHostAddress();
        }
        return "";
    }
}
