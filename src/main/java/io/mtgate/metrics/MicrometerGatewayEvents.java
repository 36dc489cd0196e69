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
public final class MicrometerGatewayEvents implements GatewayEvents {
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
}
