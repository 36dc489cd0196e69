package io.mtgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mtgate.server.GatewayEvents;
import io.mtgate.transport.CloseReason;
import io.mtgate.transport.TransportKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Gateway events as Micrometer meters under {@code mtproto.*}; every tag has a bounded value set. */
public final class MicrometerGatewayEvents implements GatewayEvents, io.mtgate.session.SessionEvents {
    private final MeterRegistry registry;
    private final AtomicLong open = new AtomicLong();
    private final Counter opened;
    private final Map<TransportKind, Counter> plain = new EnumMap<>(TransportKind.class);
    private final Map<TransportKind, Counter> obfuscated = new EnumMap<>(TransportKind.class);
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

    public MicrometerGatewayEvents(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("mtproto.connections", open);
        opened = Counter.builder("mtproto.connections.opened").register(registry);
        for (TransportKind kind : TransportKind.values()) {
            String name = kind.name().toLowerCase(java.util.Locale.ROOT);
            plain.put(kind, Counter.builder("mtproto.transports.detected")
                    .tag("transport", name).tag("obfuscated", "false").register(registry));
            obfuscated.put(kind, Counter.builder("mtproto.transports.detected")
                    .tag("transport", name).tag("obfuscated", "true").register(registry));
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
    public void transportDetected(TransportKind kind, boolean isObfuscated) {
        (isObfuscated ? obfuscated : plain).get(kind).increment();
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

    @Override
    public void resent(int messages) {
        resent.increment(messages);
    }

    @Override
    public void queueDropped(int messages) {
        queueDropped.increment(messages);
    }
}
