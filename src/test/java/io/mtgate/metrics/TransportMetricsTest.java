package io.mtgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mtgate.transport.CloseReason;
import io.mtgate.transport.TransportKind;
import org.junit.jupiter.api.Test;

/** {@code mtproto.transports.detected} and {@code mtproto.transport.rejected} with HTTP and WebSocket: bounded tags. */
class TransportMetricsTest {

    @Test
    void httpIsItsOwnTransportTagAndNeverObfuscatedWebSocketIsATag() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerGatewayEvents events = new MicrometerGatewayEvents(registry);
        events.transportDetected(TransportKind.HTTP, false, false);
        events.transportDetected(TransportKind.HTTP, false, false);
        events.transportDetected(TransportKind.ABRIDGED, true, false);
        events.transportDetected(TransportKind.INTERMEDIATE, true, true);
        assertThat(registry.get("mtproto.transports.detected").tag("transport", "http").tag("obfuscated", "false")
                .counter().count()).isEqualTo(2);
        assertThat(registry.find("mtproto.transports.detected").tag("transport", "http").tag("obfuscated", "true")
                .counter()).isNull();
        assertThat(registry.get("mtproto.transports.detected").tag("transport", "abridged").tag("obfuscated", "true")
                .tag("websocket", "false").counter().count()).isEqualTo(1);
        assertThat(registry.get("mtproto.transports.detected").tag("transport", "intermediate").tag("websocket", "true")
                .counter().count()).isEqualTo(1);
        assertThat(registry.find("mtproto.transports.detected").tag("transport", "http").tag("websocket", "true")
                .counter()).isNull();
        assertThat(registry.find("mtproto.transports.detected").counters())
                .as("4 framings x plain/obfuscated/websocket + http").hasSize(13);
    }

    @Test
    void httpRejectionsHaveTheirReasons() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerGatewayEvents events = new MicrometerGatewayEvents(registry);
        events.transportRejected(CloseReason.INVALID_HTTP_REQUEST);
        events.transportRejected(CloseReason.HTTP_HOLD_EXPIRED);
        assertThat(registry.get("mtproto.transport.rejected").tag("reason", "invalid_http_request").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("mtproto.transport.rejected").tag("reason", "http_hold_expired").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("mtproto.transport.rejected").tag("reason", "http_idle_timeout").counter().count())
                .isZero();
    }
}
