package io.mtgate.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.AuthKeyType;
import io.mtgate.authkey.StoredAuthKey;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.crypto.Sha;
import io.mtgate.interop.InteropClients.HandshakeOutcome;
import io.mtgate.server.GatewayServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Telethon and GramJS, unmodified, create an auth key against the whole application (started by
 * the test on a free port, embedded default storage), on every TCP transport each supports, and
 * the key id each client computed is the one the server stored. A missing client fails the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class RealClientHandshakeTest {
    static final String SECRET = "00112233445566778899aabbccddeeff";
    static final Path DATA_DIR = tempDir();

    @Autowired
    GatewayServer server;

    @Autowired
    AuthKeyStore store;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("mtgate.data-dir", DATA_DIR::toString);
        registry.add("mtgate.tcp.host", () -> "127.0.0.1");
        registry.add("mtgate.tcp.port", () -> "0");
        registry.add("mtgate.tcp.mtproxy-secrets", () -> SECRET);
        registry.add("mtgate.dc-id", () -> "2");
    }

    @BeforeAll
    static void clientsPresent() {
        InteropClients.requireTelethon();
        InteropClients.ensureGramJsInstalled();
    }

    static Stream<String> telethonTransports() {
        return InteropClients.telethonTransports().stream();
    }

    static Stream<String> gramJsTransports() {
        return InteropClients.gramJsTransports().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("telethonTransports")
    void telethonCreatesAKey(String transport) {
        String secret = transport.startsWith("mtproxy-") ? (transport.contains("randomized") ? "dd" : "") + SECRET : null;
        HandshakeOutcome outcome = InteropClients.telethonHandshake("127.0.0.1", server.boundPort(), transport,
                publicKey(), secret);
        assertStored(outcome, "telethon " + transport);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gramJsTransports")
    void gramJsCreatesAKey(String transport) {
        HandshakeOutcome outcome = InteropClients.gramJsHandshake("127.0.0.1", server.boundPort(), transport,
                publicKey());
        assertStored(outcome, "gramjs " + transport);
    }

    private void assertStored(HandshakeOutcome outcome, String what) {
        assertTrue(outcome.ok(), what + ": " + outcome.error());
        Optional<StoredAuthKey> stored = store.find(new AuthKeyId(outcome.authKeyId()));
        assertTrue(stored.isPresent(), what + ": the key the client computed was not stored");
        assertEquals(AuthKeyType.PERMANENT, stored.get().type());
        byte[] sha1 = Sha.sha1(stored.get().body());
        long id = java.nio.ByteBuffer.wrap(Arrays.copyOfRange(sha1, 12, 20))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(outcome.authKeyId(), id, what + ": stored body does not hash to its id");
        assertArrayEquals(stored.get().body(), store.find(stored.get().id()).orElseThrow().body());
    }

    private static Path publicKey() {
        return DATA_DIR.resolve("rsa").resolve("server.pub.pem");
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("mtgate-interop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
