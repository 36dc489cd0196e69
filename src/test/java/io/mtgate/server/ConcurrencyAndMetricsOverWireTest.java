package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AuthKeyId;
import io.mtgate.handshake.TestClient.Variant;
import io.mtgate.transport.TestClient.Mode;
import io.mtgate.transport.TransportKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many clients at once, and the Micrometer meters the gateway publishes. */
class ConcurrencyAndMetricsOverWireTest extends GatewayE2eBase {
    static final int CLIENTS = 20;

    @Test
    void twentyConcurrentHandshakesAllSucceedWithDistinctKeys() throws Exception {
        TransportKind[] kinds = {TransportKind.INTERMEDIATE, TransportKind.FULL, TransportKind.ABRIDGED,
                TransportKind.PADDED_INTERMEDIATE};
        Map<AuthKeyId, byte[]> keys = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<AuthKeyId>> results = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                TransportKind kind = kinds[i % kinds.length];
                Mode mode = kind != TransportKind.FULL && i % 2 == 1 ? Mode.OBFUSCATED : Mode.PLAIN;
                boolean temporary = i % 5 == 4;
                results.add(pool.submit(() -> {
                    try (WireClient wire = connect(kind, mode)) {
                        WireHandshake hs = handshakeOn(wire);
                        start.await(10, TimeUnit.SECONDS);
                        AuthKeyId id = temporary ? hs.run(Variant.TEMP_DC, DC, 600) : hs.runPermanent();
                        keys.put(id, hs.authKey());
                        return id;
                    }
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            Set<AuthKeyId> ids = new HashSet<>();
            for (Future<AuthKeyId> f : results) {
                ids.add(f.get(30, TimeUnit.SECONDS));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertEquals(CLIENTS, ids.size(), "distinct keys");
            for (AuthKeyId id : ids) {
                assertArrayEquals(keys.get(id), store.find(id).orElseThrow().body(), "stored key " + id);
            }
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "20 handshakes took " + took);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void handshakeAndConnectionMeters() {
        assertTrue(eventually(Duration.ofSeconds(5), () -> gauge("mtproto.connections") == 0),
                "no connection open before the test: " + gauge("mtproto.connections"));
        double ok = counter("mtproto.handshakes", "result", "ok", "key_type", "permanent");
        double okTemp = counter("mtproto.handshakes", "result", "ok", "key_type", "temporary");
        double opened = counter("mtproto.connections.opened");
        double intermediate = counter("mtproto.transports.detected", "transport", "intermediate", "obfuscated", "false");
        double abridgedObfuscated = counter("mtproto.transports.detected", "transport", "abridged", "obfuscated", "true");

        try (WireClient a = intermediate(); WireClient b = connect(TransportKind.ABRIDGED, Mode.OBFUSCATED)) {
            handshakeOn(a).runPermanent();
            handshakeOn(b).run(Variant.TEMP_DC, DC, 600);
            assertEquals(2.0, gauge("mtproto.connections"), "two open connections");
            assertEquals(ok + 1, counter("mtproto.handshakes", "result", "ok", "key_type", "permanent"));
            assertEquals(okTemp + 1, counter("mtproto.handshakes", "result", "ok", "key_type", "temporary"));
            assertEquals(opened + 2, counter("mtproto.connections.opened"));
            assertEquals(intermediate + 1,
                    counter("mtproto.transports.detected", "transport", "intermediate", "obfuscated", "false"));
            assertEquals(abridgedObfuscated + 1,
                    counter("mtproto.transports.detected", "transport", "abridged", "obfuscated", "true"));
        }
        assertTrue(eventually(Duration.ofSeconds(5), () -> gauge("mtproto.connections") == 0),
                "mtproto.connections back to 0 after the sockets closed: " + gauge("mtproto.connections"));
    }

    @Test
    void connectionsClosedByTheServerAreCountedDownToo() {
        assertTrue(eventually(Duration.ofSeconds(5), () -> gauge("mtproto.connections") == 0));
        double rejected = counter("mtproto.transport.rejected");
        try (WireClient wire = intermediate()) {
            wire.sendRaw(new byte[] {(byte) 0xee, (byte) 0xee, (byte) 0xee, (byte) 0xee, 0x04, 0, 0, 0x7f});
            wire.expectClosed(Duration.ofSeconds(5));
            assertTrue(eventually(Duration.ofSeconds(5), () -> gauge("mtproto.connections") == 0),
                    "closed by the server, still counted as open");
        }
        assertTrue(counter("mtproto.transport.rejected") > rejected, "the rejection is counted");
    }
}
