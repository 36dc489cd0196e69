package io.mtgate.server;

import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts new connections per client address in fixed windows. Memory is bounded: at most
 * {@code maxTrackedAddresses} addresses are counted per window; beyond that new addresses are not
 * limited (failing open keeps a flood of distinct addresses from costing memory, and such a flood
 * is not what a per-address limit can stop anyway).
 */
public final class ConnectionRateLimiter {
    private final int maxPerWindow;
    private final long windowNanos;
    private final int maxTrackedAddresses;
    private final InstantSource clock;
    private volatile Window window;

    private record Window(long startNanos, ConcurrentHashMap<InetAddress, AtomicInteger> counts) {
    }

    /**
     * @param maxPerWindow connections one address may open per window; 0 disables the limit
     */
    public ConnectionRateLimiter(int maxPerWindow, Duration window, int maxTrackedAddresses, InstantSource clock) {
        if (maxPerWindow < 0 || window.isNegative() || window.isZero() || maxTrackedAddresses < 1) {
            throw new IllegalArgumentException("invalid connection rate limit");
        }
        this.maxPerWindow = maxPerWindow;
        this.windowNanos = window.toNanos();
        this.maxTrackedAddresses = maxTrackedAddresses;
        this.clock = clock;
        this.window = new Window(nowNanos(), new ConcurrentHashMap<>());
    }

    public boolean enabled() {
        return maxPerWindow > 0;
    }

    /** Records a new connection from {@code address}; false when it exceeds the limit. */
    public boolean tryAcquire(InetAddress address) {
        if (!enabled() || address == null) {
            return true;
        }
        Window w = currentWindow();
        AtomicInteger count = w.counts().get(address);
        if (count == null) {
            if (w.counts().size() >= maxTrackedAddresses) {
                return true;
            }
            count = w.counts().computeIfAbsent(address, a -> new AtomicInteger());
        }
        return count.incrementAndGet() <= maxPerWindow;
    }

    private Window currentWindow() {
        Window w = window;
        long now = nowNanos();
        if (now - w.startNanos() >= windowNanos) {
            synchronized (this) {
                w = window;
                if (now - w.startNanos() >= windowNanos) {
                    w = new Window(now, new ConcurrentHashMap<>());
                    window = w;
                }
            }
        }
        return w;
    }

    private long nowNanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
