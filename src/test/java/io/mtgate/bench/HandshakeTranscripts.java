package io.mtgate.bench;

import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.handshake.HandshakeSession;
import io.mtgate.handshake.HandshakeStep;
import io.mtgate.handshake.StoreOutcome;
import io.mtgate.handshake.TestClient;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Arrays;

/**
 * Pre-recorded client sides of complete handshakes, so a benchmark can replay the server side
 * without paying for the client's work (its RSA encryption, its two modexps, pq factoring).
 *
 * <h2>Why a replay is exact</h2>
 * The three client messages depend on the server only through resPQ: server_nonce and pq (the
 * client echoes both and derives the temporary AES key from new_nonce and server_nonce).
 * set_client_DH_params does <em>not</em> depend on g_a (only the client's own auth key does).
 * HandshakeSession draws server_nonce and pq from the SecureRandom it is given, so a session given a
 * fresh {@code SHA1PRNG} seeded with the transcript's seed draws the same server_nonce and pq again
 * and accepts the recorded messages. The DH pair comes from the {@link DhKeySource}, which is
 * independent of that SecureRandom: the replay may use a genuinely fresh pair (on demand or from a
 * pool), and the server then computes a different, fresh auth key each time — exactly its real work.
 *
 * <p>{@link #record} checks each transcript end to end like a client: it decrypts
 * server_DH_params_ok, computes the client's auth key g_a^b and verifies new_nonce_hash1 in dh_gen_ok.
 */
public final class HandshakeTranscripts {
    public static final int DC = 2;

    /** One recorded exchange: the seed the server's SecureRandom needs and the three client messages. */
    public record Transcript(long seed, byte[] reqPq, byte[] reqDh, byte[] setClientDh) {
    }

    private HandshakeTranscripts() {
    }

    /** A fresh SHA1PRNG seeded before first use: deterministic. */
    public static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static HandshakeConfig config(RsaKey key) {
        return HandshakeConfig.of(java.util.List.of(key), DC);
    }

    /** A server session as a replay needs it: server randomness from {@code seed}, system clock. */
    public static HandshakeSession session(HandshakeConfig config, DhKeySource dh, long seed) {
        return new HandshakeSession(config, dh, seeded(seed), InstantSource.system());
    }

    /**
     * The server's whole work for one handshake: req_pq_multi -> resPQ, req_DH_params ->
     * server_DH_params_ok, set_client_DH_params -> StoreKey -> onKeyStored(SAVED) -> dh_gen_ok.
     * Returns the dh_gen_ok payload; throws if any step is not the expected one.
     */
    public static byte[] serverSide(HandshakeSession s, Transcript t) {
        if (!(s.onPlainMessage(t.reqPq()) instanceof HandshakeStep.Reply)) {
            throw new IllegalStateException("req_pq_multi failed: " + s.lastFailure());
        }
        if (!(s.onPlainMessage(t.reqDh()) instanceof HandshakeStep.Reply)) {
            throw new IllegalStateException("req_DH_params failed: " + s.lastFailure());
        }
        if (!(s.onPlainMessage(t.setClientDh()) instanceof HandshakeStep.StoreKey store)) {
            throw new IllegalStateException("set_client_DH_params failed: " + s.lastFailure());
        }
        if (!(s.onKeyStored(store.key(), StoreOutcome.SAVED) instanceof HandshakeStep.Reply ok)) {
            throw new IllegalStateException("onKeyStored failed: " + s.lastFailure());
        }
        return ok.payload();
    }

    /** Records {@code count} verified transcripts against {@code key}, seeds {@code firstSeed..}. */
    public static Transcript[] record(RsaKey key, int count, long firstSeed) {
        HandshakeConfig config = config(key);
        SecureRandom clientRnd = seeded(-firstSeed - 1);
        SecureRandom dhRnd = new SecureRandom();
        Transcript[] out = new Transcript[count];
        for (int i = 0; i < count; i++) {
            long seed = firstSeed + i;
            out[i] = recordOne(config, key, seed, clientRnd, DhKeySource.onDemand(dhRnd));
        }
        return out;
    }

    private static Transcript recordOne(HandshakeConfig config, RsaKey key, long seed, SecureRandom rnd,
            DhKeySource dh) {
        HandshakeSession s = session(config, dh, seed);
        // The project's protocol test client checks every answer as a careful client would.
        TestClient c = new TestClient(rnd, key.modulus(), key.publicExponent(), key.fingerprint());
        c.msgId = 0x6000_0000_0000_0000L + seed * 64;
        byte[] reqPq = c.reqPqMulti();
        c.onResPq(reply(s.onPlainMessage(reqPq)));
        // p_q_inner_data_dc with RSA_PAD: what current clients send
        byte[] reqDh = c.reqDhParams(TestClient.Variant.DC, TestClient.Padding.RSA_PAD, DC, 0);
        c.onServerDhParams(reply(s.onPlainMessage(reqDh)));
        byte[] setClientDh = c.setClientDhParams(0);
        HandshakeStep.StoreKey store = (HandshakeStep.StoreKey) s.onPlainMessage(setClientDh);
        c.onDhGenOk(reply(s.onKeyStored(store.key(), StoreOutcome.SAVED)));
        check(Arrays.equals(store.key().authKey().bytes(), c.authKey), "auth keys agree");

        Transcript t = new Transcript(seed, reqPq, reqDh, setClientDh);
        // the replay must be accepted by a fresh session with the same seed (and another DH pair)
        serverSide(session(config, DhKeySource.onDemand(new SecureRandom()), seed), t);
        return t;
    }

    // ---- client helpers -----------------------------------------------------------------------

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("transcript check failed: " + what);
        }
    }

    private static byte[] reply(HandshakeStep step) {
        if (step instanceof HandshakeStep.Reply r) {
            return r.payload();
        }
        throw new IllegalStateException("expected a reply, got " + step);
    }

}
