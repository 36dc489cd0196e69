package io.mtgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mtgate.rpc.RpcEvents;
import io.mtgate.server.GatewayEvents;
import io.mtgate.transport.CloseReason;
import io.mtgate.transport.TransportKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** Gateway events as Micrometer meters under {@code mtproto.*}; every tag has a bounded value set. */
public final class MicrometerGatewayEvents implements GatewayEvents, io.mtgate.session.SessionEvents, RpcEvents {
    /**
     * The rpc_error codes Telegram documents (api/errors); any other code a handler uses is tagged
     * "other", so the code tag stays bounded whatever handlers do.
     */
    private static final int[] RPC_CODES = {303, 400, 401, 403, 404, 406, 420, 500};
    private static final int RPC_OK = RPC_CODES.length + 1;
    private static final int RPC_OTHER = RPC_CODES.length;

    private final MeterRegistry registry;
    private final AtomicLong open = new AtomicLong();
    private final Counter opened;
    private final Map<TransportKind, Counter> plain = new EnumMap<>(TransportKind.class);
    private final Map<TransportKind, Counter> obfuscated = new EnumMap<>(TransportKind.class);
    private final Map<TransportKind, Counter> webSocket = new EnumMap<>(TransportKind.class);
    private final Counter permanentKeys;
    private final Counter temporaryKeys;
    private final Counter retries;
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final Counter unknownKeys;
    private final Map<CloseReason, Counter> rejected = new EnumMap<>(CloseReason.class);
    private final Counter envelopeRejected;
    private final AtomicLong sessions = new AtomicLong();
    private final Counter accepted;
    private final Counter duplicates;
    private final Counter rpcOk;
    private final Counter rpcError;
    private final Counter resent;
    private final Counter queueDropped;
    private final Map<Integer, Counter> badMessages = new ConcurrentHashMap<>();
    /** By method name (bounded by the schemas): one timer per code slot, ok last. */
    private final Map<String, AtomicReferenceArray<Timer>> rpcTimers = new ConcurrentHashMap<>();

    public MicrometerGatewayEvents(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("mtproto.connections", open);
        opened = Counter.builder("mtproto.connections.opened").register(registry);
        for (TransportKind kind : TransportKind.values()) {
            String name = kind.name().toLowerCase(java.util.Locale.ROOT);
            plain.put(kind, Counter.builder("mtproto.transports.detected")
                    .tag("transport", name).tag("obfuscated", "false").tag("websocket", "false").register(registry));
            if (kind != TransportKind.HTTP) { // HTTP bodies are never obfuscated, and never in a WebSocket
                obfuscated.put(kind, Counter.builder("mtproto.transports.detected")
                        .tag("transport", name).tag("obfuscated", "true").tag("websocket", "false").register(registry));
                // over WebSocket obfuscation is mandatory (checklist 1.10): no plain WebSocket counter
                webSocket.put(kind, Counter.builder("mtproto.transports.detected")
                        .tag("transport", name).tag("obfuscated", "true").tag("websocket", "true").register(registry));
            }
        }
        permanentKeys = handshakes("ok", "permanent");
        temporaryKeys = handshakes("ok", "temporary");
        retries = handshakes("retry", "none");
        unknownKeys = Counter.builder("mtproto.auth.key.unknown").register(registry);
        envelopeRejected = Counter.builder("mtproto.messages.rejected").tag("reason", "envelope").register(registry);
        registry.gauge("mtproto.sessions", sessions);
        accepted = Counter.builder("mtproto.messages.accepted").register(registry);
        duplicates = Counter.builder("mtproto.messages.duplicate").register(registry);
        rpcOk = Counter.builder("mtproto.rpc.answered").tag("result", "ok").register(registry);
        rpcError = Counter.builder("mtproto.rpc.answered").tag("result", "error").register(registry);
        resent = Counter.builder("mtproto.messages.resent").register(registry);
        queueDropped = Counter.builder("mtproto.messages.queue.dropped").register(registry);
        for (CloseReason reason : CloseReason.values()) {
            rejected.put(reason, Counter.builder("mtproto.transport.rejected")
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
    }

    private Counter handshakes(String result, String keyType) {
        return Counter.builder("mtproto.handshakes").tag("result", result).tag("key_type", keyType)
                .register(registry);
    }

    @Override
    public void connectionOpened() {
        open.incrementAndGet();
        opened.increment();
    }

    @Override
    public void connectionClosed() {
        open.decrementAndGet();
    }

    @Override
    public void transportDetected(TransportKind kind, boolean isObfuscated, boolean overWebSocket) {
        (overWebSocket && kind != TransportKind.HTTP ? webSocket
                : isObfuscated && kind != TransportKind.HTTP ? obfuscated : plain).get(kind).increment();
    }

    @Override
    public void connectionRefused(String reason) {
        Counter.builder("mtproto.connections.refused").tag("reason", reason).register(registry).increment();
    }

    @Override
    public void transportRejected(CloseReason reason) {
        rejected.get(reason).increment();
    }

    @Override
    public void handshakeCompleted(boolean temporary) {
        (temporary ? temporaryKeys : permanentKeys).increment();
    }

    @Override
    public void handshakeFailed(String reason) {
        // Reasons are a small fixed set chosen by the server (error codes, "store").
        failures.computeIfAbsent(reason, r -> handshakes("error_" + r.replace("-", ""), "none")).increment();
    }

    @Override
    public void handshakeRetry() {
        retries.increment();
    }

    @Override
    public void unknownAuthKey() {
        unknownKeys.increment();
    }

    @Override
    public void envelopeRejected() {
        envelopeRejected.increment();
    }

    @Override
    public void sessionCreated() {
        sessions.incrementAndGet();
    }

    @Override
    public void sessionRemoved() {
        sessions.decrementAndGet();
    }

    /** Codes are the fixed set of checklist 3.7 (16..64), so the tag stays bounded. */
    @Override
    public void badMessage(int code) {
        badMessages.computeIfAbsent(code, c -> Counter.builder("mtproto.messages.bad")
                .tag("code", Integer.toString(c)).register(registry)).increment();
    }

    @Override
    public void messageAccepted() {
        accepted.increment();
    }

    @Override
    public void duplicateMessage() {
        duplicates.increment();
    }

    @Override
    public void rpcAnswered(boolean error) {
        (error ? rpcError : rpcOk).increment();
    }

    /**
     * {@code mtproto.rpc.duration{method, result, code}}: a timer per method and outcome, so its
     * count is the number of answers of that kind. Method names come from the schemas (or
     * "unknown"), codes from {@link #RPC_CODES} (or "other"): bounded.
     */
    @Override
    public void rpcCompleted(String method, boolean error, int errorCode, long nanos) {
        int slot = error ? codeSlot(errorCode) : RPC_OK;
        AtomicReferenceArray<Timer> timers = rpcTimers.computeIfAbsent(method, m -> new AtomicReferenceArray<>(RPC_OK + 1));
        Timer t = timers.get(slot);
        if (t == null) {
            // a benign race: two threads may both register; Micrometer returns the same meter
            t = Timer.builder("mtproto.rpc.duration").tag("method", method)
                    .tag("result", error ? "error" : "ok")
                    .tag("code", !error ? "none" : slot == RPC_OTHER ? "other" : Integer.toString(RPC_CODES[slot]))
                    .register(registry);
            timers.set(slot, t);
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    private static int codeSlot(int code) {
        for (int i = 0; i < RPC_CODES.length; i++) {
            if (RPC_CODES[i] == code) {
                return i;
            }
        }
        return RPC_OTHER;
    }

    @Override
    public void resent(int messages) {
        resent.increment(messages);
    }

    @Override
    public void queueDropped(int messages) {
        queueDropped.increment(messages);
    }
}
