package io.mtgate.handshake;

import io.mtgate.crypto.Dh;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A bounded pool of precomputed DH key pairs, so the event loop does not spend a 2048-bit modPow
 * per handshake. Each pair is handed out once (taken from the pool); when the pool is empty,
 * {@link #next()} generates a pair on the calling thread.
 *
 * <p>Filling is either done by the caller ({@link #refill()} from a thread of its choice) or by
 * the single daemon thread this class starts in {@link #start()} (the only thread in the
 * handshake package), which keeps the pool full and stops on {@link #close()}. Thread-safe.
 */
public final class PrecomputedDhKeys implements DhKeySource, AutoCloseable {
    private final SecureRandom random;
    private final BlockingQueue<Dh.KeyPair> pool;
    private final int capacity;
    private Thread filler;
    private volatile boolean closed;

    /** An empty pool of at most {@code capacity} pairs (no thread started yet). */
    public PrecomputedDhKeys(SecureRandom random, int capacity) {
        this.random = Objects.requireNonNull(random, "random");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.pool = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Starts the background filler thread (daemon, named {@code mtgate-dh-precompute}); idempotent.
     *
     * @return this
     * @throws IllegalStateException if closed
     */
    public synchronized PrecomputedDhKeys start() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (filler == null) {
            Thread t = new Thread(this::fillLoop, "mtgate-dh-precompute");
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY - 1);
            filler = t;
            t.start();
        }
        return this;
    }

    private void fillLoop() {
        try {
            while (!closed) {
                pool.put(Dh.generate(random)); // blocks while the pool is full
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (closed) {
                pool.clear();
            }
        }
    }

    /**
     * Fills the pool up to its capacity on the calling thread.
     *
     * @return the number of pairs added
     */
    public int refill() {
        int added = 0;
        while (!closed && pool.remainingCapacity() > 0) {
            if (!pool.offer(Dh.generate(random))) {
                break;
            }
            added++;
        }
        return added;
    }

    /** A pooled pair if any (removed from the pool), else a freshly generated one. */
    @Override
    public Dh.KeyPair next() {
        Dh.KeyPair p = pool.poll();
        return p != null ? p : Dh.generate(random);
    }

    /** Pairs currently waiting in the pool. */
    public int available() {
        return pool.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Stops the filler thread and drops all pooled pairs. {@link #next()} keeps working (on demand). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = filler;
            filler = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pool.clear();
    }
}
