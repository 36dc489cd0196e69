package io.mtgate.session;

import io.mtgate.tl.mtproto.HttpWait;

/**
 * When to answer one pending HTTP request (checklist 4.5), in milliseconds of the session clock.
 * With messages to send, the answer goes {@code wait_after} after the last of them arrived, but no
 * later than {@code max_delay} after the first; with nothing to send, after {@code max_wait}, and
 * {@code max_wait} bounds everything (priority max_wait &gt; max_delay &gt; wait_after). A request
 * without {@code http_wait} is held with max_delay = 0, wait_after = 0, max_wait = 25 s: answered
 * as soon as there is something to say, or with an empty container after 25 s.
 */
final class LongPollTurn {
    static final long NONE = Long.MIN_VALUE;
    static final int DEFAULT_MAX_WAIT_MILLIS = 25_000;

    private final long openedAt;
    private final long capMillis;
    private long maxDelay;
    private long waitAfter;
    private long maxWait;
    private long firstAt = NONE;
    private long lastAt = NONE;
    private int ready;
    /** When the timer that will look at this turn again fires; NONE when none is armed. */
    long timerAt = NONE;

    LongPollTurn(long openedAtMillis, long capMillis) {
        this.openedAt = openedAtMillis;
        this.capMillis = Math.max(0, capMillis);
        this.maxWait = Math.min(DEFAULT_MAX_WAIT_MILLIS, this.capMillis);
    }

    /** The request's http_wait (the last one wins when a request carries several). */
    void apply(HttpWait w) {
        maxDelay = clamp(w.maxDelay());
        waitAfter = clamp(w.waitAfter());
        maxWait = clamp(w.maxWait());
    }

    private long clamp(int millis) {
        return Math.min(Math.max(0, millis), capMillis);
    }

    /**
     * Tells the turn how many messages are ready to go at {@code now}; a higher count than last
     * time means new messages arrived (the first starts max_delay, each restarts wait_after).
     */
    void observe(long now, int readyMessages) {
        if (readyMessages > ready) {
            if (firstAt == NONE) {
                firstAt = now;
            }
            lastAt = now;
        }
        ready = readyMessages;
    }

    long deadline() {
        long d = openedAt + maxWait;
        if (firstAt != NONE) {
            d = Math.min(d, Math.min(firstAt + maxDelay, lastAt + waitAfter));
        }
        return d;
    }

    boolean due(long now) {
        return now >= deadline();
    }
}
