package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AuthKeyId;
import io.mtgate.handshake.TestClient.Variant;
import io.mtgate.server.E2eTestBeans.FaultyStore.Fault;
import org.junit.jupiter.api.Test;

/**
 * README / checklist 2.8: no dh_gen_ok without a durable write. The gateway's key store is the
 * real one wrapped by {@link E2eTestBeans.FaultyStore}; when a write fails the client gets -404,
 * no key is left behind, and the next handshake (store healthy again) succeeds.
 */
class StorageFailureOverWireTest extends GatewayE2eBase {

    @Test
    void failedSaveGets404AndStoresNothingThenTheStoreWorksAgain() {
        faultyStore.fault = Fault.SAVE;
        AuthKeyId failed;
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            hs.reqDh(Variant.PLAIN, 0, 0);
            int saves = faultyStore.saves.get();
            wire.send(hs.client.setClientDhParams(0));
            wire.expectTransportErrorThenClose(-404);
            assertEquals(saves + 1, faultyStore.saves.get(), "the gateway tried to store the key");
            failed = hs.keyId(); // the key the client would have had
        }
        assertTrue(store.find(failed).isEmpty());
        assertEquals(0, sqlCount("auth_keys", failed));
        assertEquals(0, sqlCount("auth_key_infos", failed));

        faultyStore.fault = Fault.NONE;
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            AuthKeyId id = hs.runPermanent();
            assertArrayEquals(hs.authKey(), store.find(id).orElseThrow().body());
        }
    }

    @Test
    void failedSaveOfATemporaryKeyGets404() {
        faultyStore.fault = Fault.SAVE;
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            hs.reqDh(Variant.TEMP_DC, DC, 600);
            wire.send(hs.client.setClientDhParams(0));
            wire.expectTransportErrorThenClose(-404);
            assertTrue(store.find(hs.keyId()).isEmpty());
        }
    }

    /**
     * The key row commits but recording its initial salt fails: the client hears -404, so the key
     * must not stay usable (a key the client never learned about, without its salt).
     */
    @Test
    void failedSaltWriteGets404AndLeavesNoLiveKey() {
        faultyStore.fault = Fault.SALT;
        AuthKeyId failed;
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            hs.reqDh(Variant.PLAIN, 0, 0);
            wire.send(hs.client.setClientDhParams(0));
            wire.expectTransportErrorThenClose(-404);
            failed = hs.keyId();
        }
        assertTrue(store.find(failed).isEmpty(), "no live key after -404");
        assertEquals(0, JdbcLive.count(dataSource, failed), "no live row in auth_keys");

        faultyStore.fault = Fault.NONE;
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            AuthKeyId id = hs.runPermanent();
            assertEquals(1, store.salts(id).size());
        }
    }

    @Test
    void failedSaltWriteOfATemporaryKeyGets404AndLeavesNoLiveKey() {
        faultyStore.fault = Fault.SALT;
        try (WireClient wire = intermediate()) {
            WireHandshake hs = handshakeOn(wire);
            hs.reqPq();
            hs.reqDh(Variant.TEMP_DC, DC, 600);
            wire.send(hs.client.setClientDhParams(0));
            wire.expectTransportErrorThenClose(-404);
            assertTrue(store.find(hs.keyId()).isEmpty(), "no live temporary key after -404");
        }
    }

    /** Live (not soft-deleted) rows of a key in auth_keys. */
    static final class JdbcLive {
        static long count(javax.sql.DataSource ds, AuthKeyId id) {
            return org.springframework.jdbc.core.simple.JdbcClient.create(ds)
                    .sql("SELECT COUNT(*) FROM auth_keys WHERE auth_key_id = :id AND deleted = 0")
                    .param("id", id.value()).query(Long.class).single();
        }
    }
}
