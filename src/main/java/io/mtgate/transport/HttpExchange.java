package io.mtgate.transport;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request waiting for its answer. Answers leave in request order (HTTP/1.1 pipelining):
 * an answer given early waits until every earlier request of the connection has been answered.
 * The first of {@link #respond} and {@link #fail} counts, later calls do nothing; both may be
 * called from any thread.
 */
public final class HttpExchange {
    private final HttpApiCodec codec;
    private final EventExecutor executor;
    private final AtomicBoolean answered = new AtomicBoolean();
    final long openedAtNanos;
    /** Set on the event loop when the answer is known. */
    HttpResponse response;
    /** The request asked for (or its version implies) closing after the answer. */
    final boolean closeAfter;

    HttpExchange(HttpApiCodec codec, EventExecutor executor, long openedAtNanos, boolean closeAfter) {
        this.codec = codec;
        this.executor = executor;
        this.openedAtNanos = openedAtNanos;
        this.closeAfter = closeAfter;
    }

    /** 200 with {@code payload} (one MTProto payload) as the body. The array is not copied: do not change it. */
    public void respond(byte[] payload) {
        answer(HttpResponse.ok(payload));
    }

    /**
     * The HTTP form of transport error {@code code} (checklist 1.7, 1.11): 404 for -404, 429 for
     * -429, 403 for -403, 421 for -444, else 400; the connection closes after it, as on TCP.
     */
    public void fail(int transportErrorCode) {
        answer(HttpResponse.transportError(transportErrorCode));
    }

    /** Whether an answer was given (it may still wait for earlier ones to leave). */
    public boolean isAnswered() {
        return answered.get();
    }

    void answer(HttpResponse r) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        if (executor.inEventLoop()) {
            codec.answered(this, r);
            return;
        }
        try {
            executor.execute(() -> codec.answered(this, r));
        } catch (RejectedExecutionException e) {
            // the event loop is shutting down: the connection is gone with it
        }
    }
}
