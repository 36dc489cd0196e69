package io.mtgate.authkey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker in front of Redis. While Redis answers, every call goes through. The first
 * failure opens the breaker: for {@code retryAfter} no call is attempted (so a dead Redis costs
 * nothing per lookup, not even a command timeout), then a single caller probes; a success closes
 * the breaker, a failure keeps it open for another {@code retryAfter}. Callers fall back (to the
 * database, or to this node's RAM) whenever {@link #call} answers empty.
 */
public final class RedisBreaker {
    private static final Logger log = LoggerFactory.getLogger(RedisBreaker.class);

    private final Clock clock;
    private final Duration retryAfter;
    private volatile boolean open;
    private volatile Instant openUntil = Instant.MIN;
    private volatile boolean probing;
    private volatile String lastError = "";
    private volatile Instant since;
    private volatile Runnable onOpen = () -> { };
    private volatile Runnable onClose = () -> { };

    public RedisBreaker(Clock clock, Duration retryAfter) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        this.since = clock.instant();
    }

    /** Hooks run on the thread that sees the transition (keep them short, no Redis calls). */
    public void onTransitions(Runnable onOpen, Runnable onClose) {
        this.onOpen = Objects.requireNonNull(onOpen);
        this.onClose = Objects.requireNonNull(onClose);
    }

    /** The action's result; empty when the breaker is open or the action failed (then it opens). */
    public <T> Optional<T> call(Supplier<T> action) {
        boolean probe = false;
        if (open) {
            synchronized (this) {
                if (!open) {
                    probe = false;
                } else if (probing || clock.instant().isBefore(openUntil)) {
                    return Optional.empty();
                } else {
                    probing = true;
                    probe = true;
                }
            }
        }
        try {
            T result = action.get();
            if (probe || open) {
                close();
            }
            return Optional.ofNullable(result);
        } catch (RuntimeException e) {
            fail(e);
            return Optional.empty();
        } finally {
            if (probe) {
                probing = false;
            }
        }
    }

    /** Like {@link #call} for an action without a result; true when it ran and succeeded. */
    public boolean run(Runnable action) {
        return call(() -> {
            action.run();
            return Boolean.TRUE;
        }).isPresent();
    }

    public boolean isOpen() {
        return open;
    }

    /** When the current state (open or closed) began. */
    public Instant since() {
        return since;
    }

    /** The last failure's exception class and message (never a value we sent). */
    public String lastError() {
        return lastError;
    }

    private void fail(RuntimeException e) {
        boolean opened;
        synchronized (this) {
            opened = !open;
            open = true;
            openUntil = clock.instant().plus(retryAfter);
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (opened) {
                since = clock.instant();
            }
        }
        if (opened) {
            log.warn("Redis unavailable, key tier degraded (serving from the database): {}", lastError);
            onOpen.run();
        }
    }

    private void close() {
        boolean closed;
        synchronized (this) {
            closed = open;
            open = false;
            if (closed) {
                since = clock.instant();
            }
        }
        if (closed) {
            log.info("Redis reachable again, key tier resumed");
            onClose.run();
        }
    }
}
