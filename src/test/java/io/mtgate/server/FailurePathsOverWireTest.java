package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AesCtr;
import io.mtgate.handshake.TestClient.Padding;
import io.mtgate.handshake.TestClient.Variant;
import io.mtgate.transport.TestClient;
import io.mtgate.transport.TestClient.Mode;
import io.mtgate.transport.TransportKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checklist 1.7, 1.8, 1.12 and 2.5 over a real socket: each bad input gets its defined outcome
 * (a transport error frame of the connection's own transport, then close; or a silent close).
 */
class FailurePathsOverWireTest extends GatewayE2eBase {

    @ParameterizedTest(name = "dc {0}")
    @ValueSource(ints = {3, 1, 10002, -3})
    void wrongDcInInnerDataGets444ThenClose(int dc) {
        double before = counter("mtproto.handshakes", "result", "error_444");
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            wire.send(hs.client.reqDhParams(Variant.DC, Padding.RSA_PAD, dc, 0));
            wire.expectTransportErrorThenClose(-444);
        }
        assertEquals(before + 1, counter("mtproto.handshakes", "result", "error_444"));
    }

    @Test
    void wrongDcInTemporaryInnerDataGets444ThenClose() {
        try (WireClient wire = connect(TransportKind.ABRIDGED, Mode.OBFUSCATED)) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            wire.send(hs.client.reqDhParams(Variant.TEMP_DC, Padding.RSA_PAD, DC + 1, 3600));
            wire.expectTransportErrorThenClose(-444);
        }
    }

    @Test
    void corruptedReqDhParamsGets404ThenClose() {
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            byte[] req = hs.client.reqDhParams(Variant.PLAIN, Padding.RSA_PAD, 0, 0);
            req[req.length - 10] ^= 0x40; // inside encrypted_data (its last 256 bytes)
            wire.send(req);
            wire.expectTransportErrorThenClose(-404);
        }
    }

    @Test
    void reqDhParamsForAnUnknownServerNonceGets404ThenClose() {
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            hs.client.serverNonce[0] ^= 1;
            wire.send(hs.client.reqDhParams(Variant.PLAIN, Padding.RSA_PAD, 0, 0));
            wire.expectTransportErrorThenClose(-404);
        }
    }

    @Test
    void badSetClientDhParamsGets404ThenCloseAndNoKeyIsStored() {
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            hs.reqDh(Variant.PLAIN, 0, 0);
            // SHA1 of the inner data corrupted
            wire.send(hs.client.setClientDhParams(hs.client.encryptClientDh(hs.client.clientDhInner(0), 0, true)));
            wire.expectTransportErrorThenClose(-404);
            assertTrue(store.find(hs.keyId()).isEmpty());
        }
    }

    @Test
    void nonHandshakePlainMessageGets404ThenClose() {
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            // ping#7abe77ec ping_id:long as a plain message: not a handshake constructor
            byte[] body = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7abe77ec).putLong(42).array();
            wire.send(hs.client.plain(body));
            wire.expectTransportErrorThenClose(-404);
        }
    }

    static Stream<Arguments> transports() {
        return Stream.of(
                Arguments.of(TransportKind.INTERMEDIATE, Mode.PLAIN),
                Arguments.of(TransportKind.FULL, Mode.PLAIN),
                Arguments.of(TransportKind.ABRIDGED, Mode.PLAIN),
                Arguments.of(TransportKind.PADDED_INTERMEDIATE, Mode.PLAIN),
                Arguments.of(TransportKind.ABRIDGED, Mode.OBFUSCATED),
                Arguments.of(TransportKind.INTERMEDIATE, Mode.OBFUSCATED));
    }

    /** An encrypted-looking message (auth_key_id | msg_key | 48 bytes) under a key nobody created. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transports")
    void unknownAuthKeyGets404ThenClose(TransportKind kind, Mode mode) {
        Random random = new Random(kind.ordinal() * 31L + mode.ordinal());
        byte[] message = new byte[8 + 16 + 48];
        random.nextBytes(message);
        message[0] |= 1; // non-zero auth_key_id
        double before = counter("mtproto.auth.key.unknown");
        try (WireClient wire = connect(kind, mode)) {
            wire.send(message);
            wire.expectTransportErrorThenClose(-404);
        }
        assertEquals(before + 1, counter("mtproto.auth.key.unknown"));
    }

    @Test
    void unknownAuthKeyAfterACompletedHandshakeOnTheSameConnectionGets404() {
        try (WireClient wire = connect(TransportKind.FULL, Mode.PLAIN)) {
            WireHandshake hs = handshakeOn(wire);
            hs.runPermanent();
            byte[] message = new byte[72];
            new Random(7).nextBytes(message);
            message[0] |= 1;
            wire.send(message);
            wire.expectTransportErrorThenClose(-404);
        }
    }

    /** 64 bytes that select obfuscated2 but whose decrypted tag is none of ef/ee/dd. */
    @Test
    void invalidObfuscationHeaderClosesWithoutReply() {
        Random random = new Random(1234);
        Set<Integer> tags = Set.of(0xefefefef, 0xeeeeeeee, 0xdddddddd);
        byte[] header = new byte[64];
        do {
            random.nextBytes(header);
        } while (!TestClient.validInit(header) || tags.contains(decryptedTag(header)));
        try (WireClient wire = intermediate()) {
            wire.sendRaw(header);
            wire.sendRaw(new byte[] {0x10, 0, 0, 0}); // whatever follows is never answered
            wire.expectClosed(Duration.ofSeconds(5));
        }
    }

    private static int decryptedTag(byte[] h) {
        byte[] dec = new AesCtr(Arrays.copyOfRange(h, 8, 40), Arrays.copyOfRange(h, 40, 56)).update(h);
        return ByteBuffer.wrap(dec).order(ByteOrder.LITTLE_ENDIAN).getInt(56);
    }

    /** The TLS ClientHello prefix with no MTProxy secret configured: not a transport we accept. */
    @Test
    void fakeTlsWithoutSecretClosesWithoutReply() {
        try (WireClient wire = intermediate()) {
            byte[] hello = new byte[64];
            hello[0] = 0x16;
            hello[1] = 0x03;
            hello[2] = 0x01;
            hello[3] = 0x02;
            wire.sendRaw(hello);
            wire.expectClosed(Duration.ofSeconds(5));
        }
    }

    static Stream<Arguments> oversizedHeaders() {
        int words = (MAX_FRAME + 4) / 4;
        return Stream.of(
                Arguments.of("intermediate", concat(TestClient.le(0xeeeeeeee), TestClient.le(MAX_FRAME + 4))),
                Arguments.of("padded", concat(TestClient.le(0xdddddddd), TestClient.le(MAX_FRAME + 4))),
                Arguments.of("abridged", new byte[] {(byte) 0xef, 0x7f, (byte) words, (byte) (words >> 8), (byte) (words >> 16)}),
                Arguments.of("full", concat(TestClient.le(12 + MAX_FRAME + 4), TestClient.le(0))),
                Arguments.of("intermediate 2 GiB", concat(TestClient.le(0xeeeeeeee), TestClient.le(0x7ffffffc))));
    }

    /** A declared length above mtgate.tcp.max-frame-size closes the connection, nothing is answered. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizedHeaders")
    void declaredFrameLengthAboveTheMaximumCloses(String name, byte[] header) {
        try (WireClient wire = intermediate()) {
            wire.sendRaw(header);
            wire.sendRaw(new byte[64]); // a little of the body; the rest never comes
            wire.expectClosed(Duration.ofSeconds(5));
        }
    }

    /** The boundary: a frame of exactly the maximum is read whole and handled (a malformed plain message: -404). */
    @Test
    void frameOfExactlyTheMaximumIsReadAndHandled() {
        try (WireClient wire = intermediate()) {
            byte[] payload = new byte[MAX_FRAME]; // auth_key_id 0, msg_id 0: a malformed plain message
            wire.sendRaw(concat(TestClient.le(0xeeeeeeee), TestClient.le(MAX_FRAME)));
            wire.expectOpenAndSilent(Duration.ofMillis(300)); // the length alone is not refused
            wire.sendRaw(payload);
            wire.expectTransportErrorThenClose(-404);
        }
    }

    @Test
    void silentConnectionIsClosedAfterTheHandshakeTimeout() {
        try (WireClient wire = intermediate()) {
            long start = System.nanoTime();
            wire.expectClosed(HANDSHAKE_TIMEOUT.plusSeconds(5));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertFalse(elapsed.compareTo(HANDSHAKE_TIMEOUT.minusMillis(300)) < 0,
                    "closed after " + elapsed.toMillis() + " ms, before the timeout of " + HANDSHAKE_TIMEOUT);
        }
    }

    @Test
    void connectionWithOnlyATagIsClosedAfterTheHandshakeTimeout() {
        try (WireClient wire = intermediate()) {
            long start = System.nanoTime();
            wire.sendRaw(TestClient.le(0xeeeeeeee));
            wire.expectClosed(HANDSHAKE_TIMEOUT.plusSeconds(5));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(HANDSHAKE_TIMEOUT.minusMillis(300)) >= 0);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
