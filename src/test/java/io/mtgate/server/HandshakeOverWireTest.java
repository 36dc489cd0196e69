package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.AuthKeyType;
import io.mtgate.authkey.JdbcAuthKeyStore;
import io.mtgate.authkey.ServerSalt;
import io.mtgate.authkey.StoredAuthKey;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.handshake.TestClient.Padding;
import io.mtgate.handshake.TestClient.Variant;
import io.mtgate.transport.TestClient.Mode;
import io.mtgate.transport.TransportKind;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Checklist section 2 over a real socket: the handshake on every TCP transport, what ends up in
 * the key store and the SQL tables, temporary keys, several handshakes per connection and
 * byte-identical answers to retransmitted requests.
 */
class HandshakeOverWireTest extends GatewayE2eBase {

    static Stream<Arguments> transports() {
        return Stream.of(
                Arguments.of(TransportKind.INTERMEDIATE, Mode.PLAIN),
                Arguments.of(TransportKind.FULL, Mode.PLAIN),
                Arguments.of(TransportKind.ABRIDGED, Mode.OBFUSCATED),
                Arguments.of(TransportKind.ABRIDGED, Mode.PLAIN),
                Arguments.of(TransportKind.PADDED_INTERMEDIATE, Mode.PLAIN),
                Arguments.of(TransportKind.INTERMEDIATE, Mode.OBFUSCATED),
                Arguments.of(TransportKind.PADDED_INTERMEDIATE, Mode.OBFUSCATED));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transports")
    void permanentKeyIsStoredBeforeDhGenOk(TransportKind kind, Mode mode) {
        Instant before = clock.instant();
        try (WireClient wire = connect(kind, mode)) {
            WireHandshake hs = handshakeOn(wire);
            AuthKeyId id = hs.runPermanent();
            // dh_gen_ok has arrived: the key must already be durable and readable
            assertPermanentKeyStored(hs, id, before);
            hs.assertServerMessageIds(clock.instant());
            assertEquals(3, hs.replies.size());
            long serverTime = hs.client.serverTime;
            assertTrue(Math.abs(serverTime - before.getEpochSecond()) <= 5,
                    "server_time " + serverTime + " is the current unix time " + before.getEpochSecond());
        }
    }

    @Test
    void legacyReqPqAndLegacyRsaPaddingAlsoWork() {
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            // tdesktop's liveness probe: legacy req_pq#60469778
            hs.client.onResPq(hs.exchange(hs.client.reqPqLegacy()));
            // Telethon's legacy RSA scheme (SHA1 + data + random, raw RSA) with p_q_inner_data_dc
            byte[] req = hs.client.reqDhParams(Variant.DC, Padding.LEGACY, DC, 0);
            hs.client.onServerDhParams(hs.exchange(req));
            AuthKeyId id = hs.setClientDh();
            assertPermanentKeyStored(hs, id, Instant.EPOCH);
            hs.assertServerMessageIds(clock.instant());
        }
    }

    private void assertPermanentKeyStored(WireHandshake hs, AuthKeyId id, Instant notBefore) {
        StoredAuthKey stored = store.find(id).orElseThrow(() -> new AssertionError("key " + id + " not stored"));
        assertEquals(id, stored.id());
        assertArrayEquals(hs.authKey(), stored.body(), "stored body = the client's auth key");
        assertEquals(256, stored.body().length);
        assertEquals(AuthKeyType.PERMANENT, stored.type());
        assertNull(stored.expiresAt());
        assertFalse(stored.createdAt().isBefore(notBefore.truncatedTo(ChronoUnit.SECONDS)), "createdAt");
        assertFalse(stored.createdAt().isAfter(clock.instant()), "createdAt");

        List<ServerSalt> salts = store.salts(id);
        assertEquals(1, salts.size(), "exactly the initial salt: " + salts);
        assertEquals(hs.expectedInitialSalt(), salts.get(0).salt(),
                "initial salt = new_nonce[0..8] XOR server_nonce[0..8]");
        assertEquals(AuthKeyStore.INITIAL_SALT_VALIDITY,
                Duration.between(salts.get(0).validSince(), salts.get(0).validUntil()));

        // the Teamgram tables hold it, committed (read on another connection)
        JdbcClient jdbc = JdbcClient.create(dataSource);
        assertEquals(JdbcAuthKeyStore.encodeBody(hs.authKey()),
                jdbc.sql("SELECT body FROM auth_keys WHERE auth_key_id = :id AND deleted = 0")
                        .param("id", id.value()).query(String.class).single());
        assertEquals(AuthKeyType.PERMANENT.code(),
                jdbc.sql("SELECT auth_key_type FROM auth_key_infos WHERE auth_key_id = :id")
                        .param("id", id.value()).query(Integer.class).single());
    }

    // ---- temporary keys (checklist 2.5, 2.8: RAM only, gone at expires_in) ------------------

    @Test
    void temporaryKeyIsKeptInMemoryOnlyAndForgottenWhenItExpires() {
        int expiresIn = 60;
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            AuthKeyId id = hs.run(Variant.TEMP_DC, DC, expiresIn);

            StoredAuthKey stored = store.find(id).orElseThrow(() -> new AssertionError("temp key not found"));
            assertArrayEquals(hs.authKey(), stored.body());
            assertEquals(AuthKeyType.TEMPORARY, stored.type());
            assertEquals(stored.createdAt().plusSeconds(expiresIn), stored.expiresAt(), "expiresAt = created + expires_in");
            assertEquals(List.of(hs.expectedInitialSalt()), store.salts(id).stream().map(ServerSalt::salt).toList());
            // never persisted
            assertEquals(0, sqlCount("auth_keys", id));
            assertEquals(0, sqlCount("auth_key_infos", id));
            assertEquals(0, sqlCount("auth_key_salts", id));

            // live until expires_at (exclusive), gone from then on
            Duration untilExpiry = Duration.between(clock.instant(), stored.expiresAt());
            clock.advance(untilExpiry.minusMillis(500));
            assertTrue(store.find(id).isPresent(), "still live half a second before expiry");
            clock.advance(Duration.ofMillis(500));
            assertTrue(store.find(id).isEmpty(), "gone at expires_at");
            assertTrue(store.salts(id).isEmpty(), "its salts went with it");
        }
    }

    @Test
    void temporaryKeyWithoutDcField() {
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            AuthKeyId id = hs.run(Variant.TEMP, 0, 5);
            StoredAuthKey stored = store.find(id).orElseThrow();
            assertEquals(AuthKeyType.TEMPORARY, stored.type());
            assertEquals(stored.createdAt().plusSeconds(5), stored.expiresAt());
            assertEquals(0, sqlCount("auth_keys", id));
        }
    }

    /** A negative dc in p_q_inner_data_temp_dc is a media connection (Teamgram auth_key_type 2). */
    @Test
    void mediaTemporaryKeyIsStoredAsMediaTemporary() {
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            AuthKeyId id = hs.run(Variant.TEMP_DC, -DC, 30);
            StoredAuthKey stored = store.find(id).orElseThrow();
            assertArrayEquals(hs.authKey(), stored.body());
            assertEquals(AuthKeyType.MEDIA_TEMPORARY, stored.type());
            assertEquals(stored.createdAt().plusSeconds(30), stored.expiresAt());
            assertEquals(0, sqlCount("auth_keys", id));
        }
    }

    @Test
    void expiresInAboveTheMaximumIsRefusedWith404() {
        long max = Duration.ofDays(1).getSeconds(); // mtgate.handshake.max-temp-key-lifetime default
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            wire.send(hs.client.reqDhParams(Variant.TEMP_DC, Padding.RSA_PAD, DC, (int) max + 1));
            wire.expectTransportErrorThenClose(-404);
        }
    }

    // ---- several handshakes and retransmission (checklist 2.9) -------------------------------

    @Test
    void twoHandshakesOnOneConnection() {
        try (WireClient wire = connect(TransportKind.FULL, Mode.PLAIN)) {
            WireHandshake first = handshakeOn(wire);
            AuthKeyId permanent = first.runPermanent();
            WireHandshake second = handshakeOn(wire);
            second.client.msgId = first.client.msgId; // one connection: client msg_ids keep increasing
            AuthKeyId temporary = second.run(Variant.TEMP_DC, DC, 3600);

            assertNotEquals(permanent, temporary);
            assertEquals(AuthKeyType.PERMANENT, store.find(permanent).orElseThrow().type());
            assertEquals(AuthKeyType.TEMPORARY, store.find(temporary).orElseThrow().type());
            assertArrayEquals(first.authKey(), store.find(permanent).orElseThrow().body());
            assertArrayEquals(second.authKey(), store.find(temporary).orElseThrow().body());
            first.assertServerMessageIds(clock.instant());
            second.assertServerMessageIds(clock.instant());
        }
    }

    @Test
    void retransmittedRequestsGetByteIdenticalReplies() {
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);

            byte[] reqPq = hs.client.reqPqMulti();
            byte[] resPq = hs.exchange(reqPq);
            assertArrayEquals(resPq, hs.exchange(reqPq), "repeated req_pq_multi");
            hs.client.onResPq(resPq);

            byte[] reqDh = hs.client.reqDhParams(Variant.PLAIN, Padding.RSA_PAD, 0, 0);
            byte[] dhParams = hs.exchange(reqDh);
            byte[] again = hs.exchange(reqDh);
            assertArrayEquals(dhParams, again, "repeated req_DH_params gets the very same server_DH_params_ok");
            hs.client.onServerDhParams(dhParams);

            byte[] setDh = hs.client.setClientDhParams(0);
            byte[] ok = hs.exchange(setDh);
            hs.client.onDhGenOk(ok);
            int savesBefore = faultyStore.saves.get();
            assertArrayEquals(ok, hs.exchange(setDh), "repeated set_client_DH_params gets the same dh_gen_ok");
            assertEquals(savesBefore, faultyStore.saves.get(), "the repeat stored nothing");

            assertArrayEquals(hs.authKey(), store.find(hs.keyId()).orElseThrow().body());
            hs.assertServerMessageIds(clock.instant());
        }
    }
}
