package io.mtgate.bench;

import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.Dh;
import io.mtgate.crypto.MtprotoKdf;
import io.mtgate.crypto.RsaKey;
import io.mtgate.crypto.Sha;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.handshake.HandshakeSession;
import io.mtgate.handshake.HandshakeStep;
import io.mtgate.handshake.StoreOutcome;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.mtproto.ClientDHInnerData;
import io.mtgate.tl.mtproto.DhGenOk;
import io.mtgate.tl.mtproto.PQInnerDataDc;
import io.mtgate.tl.mtproto.ReqDHParams;
import io.mtgate.tl.mtproto.ReqPqMulti;
import io.mtgate.tl.mtproto.ResPQ;
import io.mtgate.tl.mtproto.Schema;
import io.mtgate.tl.mtproto.ServerDHInnerData;
import io.mtgate.tl.mtproto.ServerDHParamsOk;
import io.mtgate.tl.mtproto.SetClientDHParams;
import java.math.BigInteger;
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
        long msgId = 0x6000_0000_0000_0000L + seed * 64;
        // 1. req_pq_multi
        byte[] nonce = random(rnd, 16);
        byte[] reqPq = plain(msgId += 4, Tl.serialize(new ReqPqMulti(nonce)));
        ResPQ res = (ResPQ) parseReply(reply(s.onPlainMessage(reqPq)));
        check(Arrays.equals(nonce, res.nonce()), "resPQ nonce");
        check(res.serverPublicKeyFingerprints().contains(key.fingerprint()), "fingerprint offered");
        byte[] serverNonce = res.serverNonce();
        long pq = new BigInteger(1, res.pq()).longValueExact();
        long f = factor(pq);
        byte[] p = Dh.toUnsignedBytes(BigInteger.valueOf(Math.min(f, pq / f)));
        byte[] q = Dh.toUnsignedBytes(BigInteger.valueOf(Math.max(f, pq / f)));
        // 2. req_DH_params: p_q_inner_data_dc, RSA_PAD (what current clients send)
        byte[] newNonce = random(rnd, 32);
        byte[] inner = Tl.serialize(new PQInnerDataDc(res.pq(), p, q, nonce, serverNonce, newNonce, DC));
        byte[] encrypted = encryptRsaPad(rnd, key.modulus(), key.publicExponent(), inner);
        byte[] reqDh = plain(msgId += 4,
                Tl.serialize(new ReqDHParams(nonce, serverNonce, p, q, key.fingerprint(), encrypted)));
        ServerDHParamsOk ok = (ServerDHParamsOk) parseReply(reply(s.onPlainMessage(reqDh)));
        MtprotoKdf.KeyIv tmp = MtprotoKdf.tmpAes(newNonce, serverNonce);
        byte[] awh = AesIge.decrypt(tmp.key(), tmp.iv(), ok.encryptedAnswer());
        ServerDHInnerData sdh = (ServerDHInnerData) Tl.deserialize(Arrays.copyOfRange(awh, 20, awh.length),
                Schema.REGISTRY, TlLimits.DEFAULT);
        int len = Tl.serialize(sdh).length;
        check(Arrays.equals(Sha.sha1(Arrays.copyOfRange(awh, 20, 20 + len)), Arrays.copyOf(awh, 20)), "answer SHA1");
        BigInteger gA = new BigInteger(1, sdh.gA());
        check(Dh.isValidPublic(gA) && sdh.g() == Dh.G, "g, g_a");
        // 3. set_client_DH_params
        BigInteger b;
        BigInteger gB;
        do {
            b = new BigInteger(2048, rnd);
            gB = BigInteger.valueOf(Dh.G).modPow(b, Dh.PRIME);
        } while (!Dh.isValidPublic(gB));
        byte[] data = Tl.serialize(new ClientDHInnerData(nonce, serverNonce, 0, Dh.toUnsignedBytes(gB)));
        int dlen = 20 + data.length;
        byte[] dwh = new byte[dlen + (16 - dlen % 16) % 16];
        System.arraycopy(Sha.sha1(data), 0, dwh, 0, 20);
        System.arraycopy(data, 0, dwh, 20, data.length);
        byte[] setClientDh = plain(msgId += 4,
                Tl.serialize(new SetClientDHParams(nonce, serverNonce, AesIge.encrypt(tmp.key(), tmp.iv(), dwh))));
        HandshakeStep.StoreKey store = (HandshakeStep.StoreKey) s.onPlainMessage(setClientDh);
        DhGenOk gen = (DhGenOk) parseReply(reply(s.onKeyStored(store.key(), StoreOutcome.SAVED)));
        byte[] authKey = Dh.toBytes(gA.modPow(b, Dh.PRIME), 256);
        byte[] aux = Arrays.copyOf(Sha.sha1(authKey), 8);
        byte[] h1 = Arrays.copyOfRange(Sha.sha1(newNonce, new byte[] {1}, aux), 4, 20);
        check(Arrays.equals(h1, gen.newNonceHash1()), "new_nonce_hash1");
        check(Arrays.equals(store.key().authKey().bytes(), authKey), "auth keys agree");

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

    private static byte[] random(SecureRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] reply(HandshakeStep step) {
        if (step instanceof HandshakeStep.Reply r) {
            return r.payload();
        }
        throw new IllegalStateException("expected a reply, got " + step);
    }

    private static TlObject parseReply(byte[] payload) {
        return Tl.deserialize(Arrays.copyOfRange(payload, 20, payload.length), Schema.REGISTRY, TlLimits.DEFAULT);
    }

    /** auth_key_id 0 | msg_id | length | body (little-endian). */
    static byte[] plain(long msgId, byte[] body) {
        byte[] out = new byte[20 + body.length];
        for (int i = 0; i < 8; i++) {
            out[8 + i] = (byte) (msgId >>> (8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[16 + i] = (byte) (body.length >>> (8 * i));
        }
        System.arraycopy(body, 0, out, 20, body.length);
        return out;
    }

    /** RSA_PAD (auth_key page 4.1), the client's encryption of p_q_inner_data. */
    static byte[] encryptRsaPad(SecureRandom rnd, BigInteger n, BigInteger e, byte[] data) {
        check(data.length <= 144, "inner data too long");
        byte[] dataWithPadding = Arrays.copyOf(data, 192);
        System.arraycopy(random(rnd, 192 - data.length), 0, dataWithPadding, data.length, 192 - data.length);
        byte[] reversed = new byte[192];
        for (int i = 0; i < 192; i++) {
            reversed[i] = dataWithPadding[191 - i];
        }
        while (true) {
            byte[] tempKey = random(rnd, 32);
            byte[] dataWithHash = new byte[224];
            System.arraycopy(reversed, 0, dataWithHash, 0, 192);
            System.arraycopy(Sha.sha256(tempKey, dataWithPadding), 0, dataWithHash, 192, 32);
            byte[] aesEncrypted = AesIge.encrypt(tempKey, new byte[32], dataWithHash);
            byte[] h = Sha.sha256(aesEncrypted);
            byte[] m = new byte[256];
            for (int i = 0; i < 32; i++) {
                m[i] = (byte) (tempKey[i] ^ h[i]);
            }
            System.arraycopy(aesEncrypted, 0, m, 32, 224);
            BigInteger mi = new BigInteger(1, m);
            if (mi.compareTo(n) < 0) {
                return Dh.toBytes(mi.modPow(e, n), 256);
            }
        }
    }

    /** A nontrivial factor of {@code n} (a product of two ~31-bit primes) by Pollard rho. */
    static long factor(long n) {
        if (n % 2 == 0) {
            return 2;
        }
        BigInteger bn = BigInteger.valueOf(n);
        for (long c = 1; ; c++) {
            long x = 2;
            long y = 2;
            long g = 1;
            while (g == 1) {
                x = f(x, c, bn);
                y = f(f(y, c, bn), c, bn);
                g = BigInteger.valueOf(Math.abs(x - y)).gcd(bn).longValue();
            }
            if (g != n) {
                return g;
            }
        }
    }

    private static long f(long x, long c, BigInteger n) {
        return BigInteger.valueOf(x).multiply(BigInteger.valueOf(x)).add(BigInteger.valueOf(c)).mod(n).longValue();
    }
}
