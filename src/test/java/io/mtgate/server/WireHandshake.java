package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AuthKeyId;
import io.mtgate.crypto.RsaKey;
import io.mtgate.crypto.Sha;
import io.mtgate.handshake.TestClient;
import io.mtgate.handshake.TestClient.Padding;
import io.mtgate.handshake.TestClient.Variant;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives the handshake tests' protocol client ({@link TestClient}, which checks every server
 * answer like a careful client) over a {@link WireClient}, recording the raw server payloads.
 */
final class WireHandshake {
    final TestClient client;
    final WireClient wire;
    /** Every plain payload the server sent, in order. */
    final List<byte[]> replies = new ArrayList<>();

    WireHandshake(WireClient wire, RsaKey key) {
        this.wire = wire;
        this.client = new TestClient(new SecureRandom(), key.modulus(), key.publicExponent(), key.fingerprint());
    }

    /** Sends a plain payload, returns the server's answer (also recorded in {@link #replies}). */
    byte[] exchange(byte[] request) {
        wire.send(request);
        byte[] reply = wire.receive();
        replies.add(reply);
        return reply;
    }

    /** req_pq_multi -> resPQ (checked, pq factored). */
    void reqPq() {
        client.onResPq(exchange(client.reqPqMulti()));
    }

    /** req_DH_params -> server_DH_params_ok (checked and decrypted). */
    void reqDh(Variant variant, int dc, int expiresIn) {
        client.onServerDhParams(exchange(client.reqDhParams(variant, Padding.RSA_PAD, dc, expiresIn)));
    }

    /** set_client_DH_params -> dh_gen_ok (new_nonce_hash1 checked); returns the client's auth_key_id. */
    AuthKeyId setClientDh() {
        client.onDhGenOk(exchange(client.setClientDhParams(0)));
        return keyId();
    }

    /** The whole handshake; returns the auth_key_id the client computed. */
    AuthKeyId run(Variant variant, int dc, int expiresIn) {
        reqPq();
        reqDh(variant, dc, expiresIn);
        return setClientDh();
    }

    AuthKeyId runPermanent() {
        return run(Variant.PLAIN, 0, 0);
    }

    /** The key the client holds (computes it from g_a and b if dh_gen_ok never came). */
    byte[] authKey() {
        return client.authKey != null ? client.authKey : client.computeAuthKey();
    }

    /** auth_key_id = low 64 bits of SHA1(auth_key), computed here from the client's key bytes. */
    AuthKeyId keyId() {
        byte[] sha1 = Sha.sha1(authKey());
        return new AuthKeyId(ByteBuffer.wrap(sha1, 12, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    /** substr(new_nonce, 0, 8) XOR substr(server_nonce, 0, 8), read as a little-endian int64. */
    long expectedInitialSalt() {
        byte[] x = new byte[8];
        for (int i = 0; i < 8; i++) {
            x[i] = (byte) (client.newNonce[i] ^ client.serverNonce[i]);
        }
        return ByteBuffer.wrap(x).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * Every server plain message: auth_key_id 0, msg_id = 1 (mod 4), unix time (within 30 s of
     * {@code now}) in its high 32 bits, and increasing, except for byte-identical retransmissions.
     */
    void assertServerMessageIds(java.time.Instant now) {
        long previous = 0;
        byte[] previousReply = null;
        for (byte[] r : replies) {
            ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0L, b.getLong(0), "server plain auth_key_id");
            long msgId = b.getLong(8);
            assertEquals(1L, msgId & 3, "server plain msg_id mod 4: " + Long.toHexString(msgId));
            assertTrue(Math.abs((msgId >>> 32) - now.getEpochSecond()) <= 30,
                    "server msg_id carries the unix time: " + Long.toHexString(msgId));
            assertEquals(r.length - 20, b.getInt(16), "message_data_length");
            if (!Arrays.equals(r, previousReply)) {
                assertTrue(Long.compareUnsigned(msgId, previous) > 0, "server msg_ids increase");
            }
            previous = msgId;
            previousReply = r;
        }
    }
}
