package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mtgate.transport.LeakDetectionExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Netty's leak detector ({@link LeakDetectionExtension}: PARANOID, leak listener, forced GC rounds)
 * applied once per test class instead of around every test. Per test it costs about a second of
 * full GCs of the whole Spring heap, and with real sockets the server releases a connection's
 * buffers asynchronously after the client closed, so per-test attribution would be unreliable
 * anyway. Before the class: pending reports are discarded. After it: waits until the gateway has
 * closed every connection ({@code mtproto.connections} = 0), then forces detection and fails the
 * class with every leak reported.
 */
final class ClassLeakCheck implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        LeakDetectionExtension.collectLeaks();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        MeterRegistry registry = SpringExtension.getApplicationContext(context).getBean(MeterRegistry.class);
        GatewayE2eBase.eventually(Duration.ofSeconds(5), () -> {
            Gauge open = registry.find("mtproto.connections").gauge();
            return open == null || open.value() == 0;
        });
        List<String> leaks = LeakDetectionExtension.collectLeaks();
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " ByteBuf leak(s) in " + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }
}
