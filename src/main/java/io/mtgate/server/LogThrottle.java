package io.mtgate.server;

import java.util.concurrent.atomic.AtomicLong;

/** Lets one log line through per interval, so a failing dependency does not flood the log. */
final class LogThrottle {
    private final long intervalMillis;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);

    LogThrottle(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    boolean tryAcquire(long nowMillis) {
        long n = next.get();
        return nowMillis >= n && next.compareAndSet(n, nowMillis + intervalMillis);
    }
}
