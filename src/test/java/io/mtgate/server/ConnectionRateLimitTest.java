package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.authkey.InMemoryAuthKeyStore;
import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.transport.TransportSettings;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionRateLimitTest {

    /** A clock the test moves by hand. */
    static final class ManualClock implements InstantSource {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void countsPerAddressPerWindow() throws Exception {
        ManualClock clock = new ManualClock();
        ConnectionRateLimiter limiter = new ConnectionRateLimiter(2, Duration.ofSeconds(10), 100, clock);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertTrue(limiter.tryAcquire(a));
        assertTrue(limiter.tryAcquire(a));
        assertFalse(limiter.tryAcquire(a));
        assertTrue(limiter.tryAcquire(b), "another address has its own budget");
        clock.millis.addAndGet(9_999);
        assertFalse(limiter.tryAcquire(a), "still the same window");
        clock.millis.addAndGet(1);
        assertTrue(limiter.tryAcquire(a), "a new window starts afresh");
    }

    @Test
    void trackedAddressesAreBoundedAndZeroDisables() throws Exception {
        ConnectionRateLimiter limiter = new ConnectionRateLimiter(1, Duration.ofSeconds(10), 2, new ManualClock());
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        InetAddress c = InetAddress.getByName("192.0.2.3");
        assertTrue(limiter.tryAcquire(a));
        assertTrue(limiter.tryAcquire(b));
        assertTrue(limiter.tryAcquire(c));
        assertTrue(limiter.tryAcquire(c), "beyond the tracked set the limit fails open");
        assertFalse(limiter.tryAcquire(a));

        ConnectionRateLimiter off = new ConnectionRateLimiter(0, Duration.ofSeconds(10), 2, new ManualClock());
        assertFalse(off.enabled());
        for (int i = 0; i < 10; i++) {
            assertTrue(off.tryAcquire(a));
        }
    }

    @Test
    void aConnectionOverTheLimitGetsMinus429InItsOwnTransport() throws Exception {
        SecureRandom random = new SecureRandom();
        RsaKey key = RsaKey.generate(random, 2048);
        HandshakeServices services = new HandshakeServices(
                new HandshakeConfig(List.of(key), 2, Duration.ofDays(1), Duration.ofMinutes(10), 8),
                DhKeySource.onDemand(random), random, InstantSource.system(), new InMemoryAuthKeyStore(),
                Runnable::run, GatewayEvents.NONE);
        ConnectionRateLimiter limiter = new ConnectionRateLimiter(2, Duration.ofMinutes(10), 100, InstantSource.system());
        try (GatewayServer server = new GatewayServer("127.0.0.1", 0, TransportSettings.defaults(), services, TestSessionServices.create(), limiter)) {
            server.start();
            byte[] reqPqMulti = HexFormat.of().parseHex(
                    "000000000000000060970500ebe5776714000000f18e7ebe79f0afb50252e5fc96924bfcecda4f05");
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket("127.0.0.1", server.boundPort())) {
                    s.setSoTimeout(10_000);
                    // One write: the server answers -429 as soon as it has seen the transport tag and
                    // closes, so a second write could meet a closed socket (broken pipe).
                    java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
                    frame.write(HexFormat.of().parseHex("eeeeeeee"));
                    frame.write(intLe(reqPqMulti.length));
                    frame.write(reqPqMulti);
                    s.getOutputStream().write(frame.toByteArray());
                    InputStream in = s.getInputStream();
                    byte[] len = in.readNBytes(4);
                    if (i < 2) {
                        assertEquals(4, len.length);
                        int n = java.nio.ByteBuffer.wrap(len).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
                        assertTrue(n > 20, "connection " + i + " gets a resPQ, not an error");
                    } else {
                        assertArrayEquals(intLe(4), len);
                        assertArrayEquals(intLe(-429), in.readNBytes(4));
                        assertClosed(in);
                    }
                }
            }
        }
    }

    /** End of stream, or a reset: the server may close before the kernel has taken all we sent. */
    private static void assertClosed(InputStream in) throws java.io.IOException {
        try {
            assertEquals(-1, in.read(), "closed after -429");
        } catch (java.net.SocketException reset) {
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset.toString());
        }
    }

    private static byte[] intLe(int v) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
