package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mtgate.authkey.InMemoryAuthKeyStore;
import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.transport.TransportSettings;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** When the key store cannot take work, a client is never told -404 for a key that may exist. */
class SaturatedStoreTest {

    @Test
    void encryptedMessageWhileStoreQueueIsFullClosesWithoutMinus404() throws Exception {
        SecureRandom random = new SecureRandom();
        Executor full = task -> {
            throw new RejectedExecutionException("full");
        };
        HandshakeServices services = new HandshakeServices(
                new HandshakeConfig(List.of(RsaKey.generate(random, 2048)), 2, Duration.ofDays(1),
                        Duration.ofMinutes(10), 8),
                DhKeySource.onDemand(random), random, InstantSource.system(), new InMemoryAuthKeyStore(), full,
                GatewayEvents.NONE);
        ConnectionRateLimiter off = new ConnectionRateLimiter(0, Duration.ofSeconds(1), 1, InstantSource.system());
        try (GatewayServer server = new GatewayServer("127.0.0.1", 0, TransportSettings.defaults(), services, TestSessionServices.create(), off)) {
            server.start();
            try (Socket s = new Socket("127.0.0.1", server.boundPort())) {
                s.setSoTimeout(10_000);
                byte[] message = new byte[72];
                random.nextBytes(message);
                message[0] = 1; // a non-zero auth_key_id: an encrypted message
                s.getOutputStream().write(new byte[] {(byte) 0xee, (byte) 0xee, (byte) 0xee, (byte) 0xee, 72, 0, 0, 0});
                s.getOutputStream().write(message);
                assertEquals(-1, s.getInputStream().read(), "closed, and nothing (no -404) written");
            }
        }
    }
}
