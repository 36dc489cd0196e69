package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TempKeyBindings} in memory. Temporary keys themselves live only in memory
 * ({@link InMemoryTemporaryKeys}), so their bindings do too: a restart forgets both and clients
 * create and bind new temporary keys.
 *
 * <ul>
 *   <li>Expiry is measured with the injected {@link InstantSource}: an expired binding is never
 *       returned and is dropped on lookup; {@link #purgeExpired()} drops all of them (schedule it
 *       next to {@link InMemoryTemporaryKeys#purgeExpired()}).</li>
 *   <li>At most {@code capacity} bindings are held; a bind into a full table first purges expired
 *       ones, then fails with {@link TemporaryKeyCapacityException} (the client gets an internal
 *       error and retries; live bindings are never evicted silently).</li>
 * </ul>
 * Lookups are lock-free; changes serialise on this object.
 */
public final class InMemoryTempKeyBindings implements TempKeyBindings {

    private record Binding(AuthKeyId perm, Instant expiresAt) {
    }

    private final InstantSource clock;
    private final int capacity;
    private final ConcurrentHashMap<AuthKeyId, Binding> byTemp = new ConcurrentHashMap<>();
    /** perm -> its current temp key; guarded by this. */
    private final Map<AuthKeyId, AuthKeyId> byPerm = new HashMap<>();

    public InMemoryTempKeyBindings(InstantSource clock, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0");
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized Optional<AuthKeyId> bind(AuthKeyId temp, AuthKeyId perm, Instant expiresAt) {
        Objects.requireNonNull(temp, "temp");
        Objects.requireNonNull(perm, "perm");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (temp.equals(perm)) {
            throw new IllegalArgumentException("a key cannot be bound to itself");
        }
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            throw new IllegalArgumentException("binding already expired at " + now);
        }
        removeTemp(temp);
        AuthKeyId replaced = byPerm.remove(perm);
        if (replaced != null) {
            byTemp.remove(replaced);
        }
        if (byTemp.size() >= capacity) {
            purgeExpired(now);
            if (byTemp.size() >= capacity) {
                throw new TemporaryKeyCapacityException(capacity);
            }
        }
        byTemp.put(temp, new Binding(perm, expiresAt));
        byPerm.put(perm, temp);
        return Optional.ofNullable(replaced).filter(r -> !r.equals(temp));
    }

    @Override
    public Optional<AuthKeyId> permanentFor(AuthKeyId temp) {
        Objects.requireNonNull(temp, "temp");
        Binding b = byTemp.get(temp);
        if (b == null) {
            return Optional.empty();
        }
        if (!b.expiresAt().isAfter(clock.instant())) {
            synchronized (this) {
                if (byTemp.remove(temp, b)) {
                    byPerm.remove(b.perm(), temp);
                }
            }
            return Optional.empty();
        }
        return Optional.of(b.perm());
    }

    /**
     * An opaque token for {@code temp}'s current entry (null when there is none), for the
     * conditional changes below: a new token on every bind of {@code temp}, none after its unbind.
     */
    Object entry(AuthKeyId temp) {
        return byTemp.get(Objects.requireNonNull(temp, "temp"));
    }

    /** {@link #bind}, only if {@code temp}'s entry is still {@code token}; false if it changed meanwhile. */
    synchronized boolean bindIfUnchanged(AuthKeyId temp, Object token, AuthKeyId perm, Instant expiresAt) {
        if (byTemp.get(temp) != token) {
            return false;
        }
        bind(temp, perm, expiresAt);
        return true;
    }

    /** {@link #unbind}, only if {@code temp}'s entry is still {@code token}; false if it changed meanwhile. */
    synchronized boolean unbindIfUnchanged(AuthKeyId temp, Object token) {
        if (byTemp.get(temp) != token) {
            return false;
        }
        removeTemp(temp);
        return true;
    }

    @Override
    public synchronized boolean unbind(AuthKeyId temp) {
        Objects.requireNonNull(temp, "temp");
        Binding b = byTemp.get(temp);
        boolean live = b != null && b.expiresAt().isAfter(clock.instant());
        removeTemp(temp);
        return live;
    }

    @Override
    public synchronized Optional<AuthKeyId> unbindPermanent(AuthKeyId perm) {
        Objects.requireNonNull(perm, "perm");
        AuthKeyId temp = byPerm.remove(perm);
        if (temp == null) {
            return Optional.empty();
        }
        Binding b = byTemp.get(temp);
        if (b == null || !b.perm().equals(perm)) {
            return Optional.empty(); // not reachable while byPerm and byTemp change together
        }
        byTemp.remove(temp);
        return b.expiresAt().isAfter(clock.instant()) ? Optional.of(temp) : Optional.empty();
    }

    /** Drops every expired binding; returns how many. Safe to call from a scheduler. */
    public synchronized int purgeExpired() {
        return purgeExpired(clock.instant());
    }

    /** The temporary keys that have a binding here (a snapshot; expired ones not yet purged included). */
    public java.util.List<AuthKeyId> temps() {
        return java.util.List.copyOf(byTemp.keySet());
    }

    /** Bindings held, expired ones not yet purged included. */
    public int size() {
        return byTemp.size();
    }

    private int purgeExpired(Instant now) {
        int removed = 0;
        for (var it = byTemp.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().expiresAt().isAfter(now)) {
                it.remove();
                byPerm.remove(e.getValue().perm(), e.getKey());
                removed++;
            }
        }
        return removed;
    }

    private void removeTemp(AuthKeyId temp) {
        Binding old = byTemp.remove(temp);
        if (old != null) {
            byPerm.remove(old.perm(), temp);
        }
    }
}
