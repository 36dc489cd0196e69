package io.mtgate.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.Dh;
import io.mtgate.crypto.MtprotoKdf;
import io.mtgate.crypto.Sha;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.mtproto.ClientDHInnerData;
import io.mtgate.tl.mtproto.DhGenOk;
import io.mtgate.tl.mtproto.DhGenRetry;
import io.mtgate.tl.mtproto.PQInnerData;
import io.mtgate.tl.mtproto.PQInnerDataDc;
import io.mtgate.tl.mtproto.PQInnerDataTemp;
import io.mtgate.tl.mtproto.PQInnerDataTempDc;
import io.mtgate.tl.mtproto.ReqDHParams;
import io.mtgate.tl.mtproto.ReqPq;
import io.mtgate.tl.mtproto.ReqPqMulti;
import io.mtgate.tl.mtproto.ResPQ;
import io.mtgate.tl.mtproto.Schema;
import io.mtgate.tl.mtproto.ServerDHInnerData;
import io.mtgate.tl.mtproto.ServerDHParamsOk;
import io.mtgate.tl.mtproto.SetClientDHParams;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A minimal MTProto client for the handshake (checklist 2.2-2.8, auth_key page section 4.1),
 * written from the client's point of view so it checks the server. Fields are mutable so tests can
 * corrupt any step.
 */
public final class TestClient {
    public enum Variant { PLAIN, DC, TEMP, TEMP_DC }

    public enum Padding { RSA_PAD, LEGACY }

    public final SecureRandom rnd;
    public final BigInteger rsaN;
    public final BigInteger rsaE;
    public final long fingerprint;
    public long msgId = 0x6000_0000_0000_0000L;

    // step 1
    public byte[] nonce;
    public byte[] serverNonce;
    public byte[] pq;
    public byte[] p;
    public byte[] q;
    public java.util.List<Long> offeredFingerprints;
    // step 2
    public byte[] newNonce;
    public byte[] tmpKey;
    public byte[] tmpIv;
    public BigInteger gA;
    public int serverTime;
    // step 3
    public BigInteger b;
    public BigInteger gB;
    public byte[] authKey;

    public TestClient(SecureRandom rnd, BigInteger rsaN, BigInteger rsaE, long fingerprint) {
        this.rnd = rnd;
        this.rsaN = rsaN;
        this.rsaE = rsaE;
        this.fingerprint = fingerprint;
    }

    public byte[] random(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** A plain client message: auth_key_id 0 | msg_id (mod 4 == 0, increasing) | length | body. */
    public byte[] plain(byte[] body) {
        msgId += 4;
        return plain(msgId, body);
    }

    public static byte[] plain(long msgId, byte[] body) {
        byte[] out = new byte[20 + body.length];
        HandshakeSession.writeLongLE(out, 8, msgId);
        HandshakeSession.writeIntLE(out, 16, body.length);
        System.arraycopy(body, 0, out, 20, body.length);
        return out;
    }

    /** Parses a server plain message, checking auth_key_id 0, msg_id mod 4 == 1 and the length. */
    public static TlObject parseReply(byte[] payload) {
        assertTrue(payload.length >= 24);
        assertEquals(0L, HandshakeSession.readLongLE(payload, 0), "auth_key_id");
        long id = HandshakeSession.readLongLE(payload, 8);
        assertEquals(1L, id & 3, "server msg_id mod 4");
        assertEquals(payload.length - 20, HandshakeSession.readIntLE(payload, 16), "length");
        return Tl.deserialize(Arrays.copyOfRange(payload, 20, payload.length), Schema.REGISTRY, TlLimits.DEFAULT);
    }

    public static long msgIdOf(byte[] payload) {
        return HandshakeSession.readLongLE(payload, 8);
    }

    public static byte[] reply(HandshakeStep step) {
        return assertInstanceOf(HandshakeStep.Reply.class, step).payload();
    }

    // ---- step 1 -------------------------------------------------------------------------------

    public byte[] reqPqMulti() {
        nonce = random(16);
        return plain(Tl.serialize(new ReqPqMulti(nonce)));
    }

    public byte[] reqPqLegacy() {
        nonce = random(16);
        return plain(Tl.serialize(new ReqPq(nonce)));
    }

    /** Reads resPQ: checks the nonce and the 8-byte pq, factors pq. */
    public void onResPq(byte[] payload) {
        ResPQ res = assertInstanceOf(ResPQ.class, parseReply(payload));
        assertArrayEquals(nonce, res.nonce());
        assertEquals(8, res.pq().length, "pq must be an 8-byte string");
        serverNonce = res.serverNonce();
        pq = res.pq();
        offeredFingerprints = res.serverPublicKeyFingerprints();
        assertTrue(offeredFingerprints.contains(fingerprint), "our key is offered");
        long n = new BigInteger(1, pq).longValueExact();
        long f = factor(n);
        long a = Math.min(f, n / f);
        long c = Math.max(f, n / f);
        assertEquals(n, a * c);
        assertTrue(a < c);
        p = Dh.toUnsignedBytes(BigInteger.valueOf(a));
        q = Dh.toUnsignedBytes(BigInteger.valueOf(c));
    }

    /** Pollard-Brent rho with batched gcds, in long arithmetic (pq < 2^63). */
    public static long factor(long n) {
        if (n % 2 == 0) {
            return 2;
        }
        for (long c = 1; ; c++) {
            long y = 2;
            long x = 2;
            long ys = 2;
            long g = 1;
            long q = 1;
            int r = 1;
            final int m = 128;
            do {
                x = y;
                for (int i = 0; i < r; i++) {
                    y = step(y, c, n);
                }
                int k = 0;
                do {
                    ys = y;
                    for (int i = 0; i < Math.min(m, r - k); i++) {
                        y = step(y, c, n);
                        q = mulMod(q, Math.abs(x - y), n);
                    }
                    g = gcd(q, n);
                    k += m;
                } while (k < r && g == 1);
                r *= 2;
            } while (g == 1);
            if (g == n) {
                do {
                    ys = step(ys, c, n);
                    g = gcd(Math.abs(x - ys), n);
                } while (g == 1);
            }
            if (g != n) {
                return g;
            }
        }
    }

    private static long step(long y, long c, long n) {
        long v = mulMod(y, y, n) + c;
        return v >= n ? v - n : v;
    }

    /** a*b mod n for n < 2^62 by doubling (no overflow). */
    private static long mulMod(long a, long b, long n) {
        long r = 0;
        a %= n;
        while (b > 0) {
            if ((b & 1) != 0) {
                r += a;
                if (r >= n) {
                    r -= n;
                }
            }
            a <<= 1;
            if (a >= n) {
                a -= n;
            }
            b >>>= 1;
        }
        return r;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    // ---- step 2 -------------------------------------------------------------------------------

    /** The TL bytes of p_q_inner_data of the given variant (uses and sets {@link #newNonce}). */
    public byte[] innerData(Variant v, int dc, int expiresIn) {
        newNonce = random(32);
        TlObject o = switch (v) {
            case PLAIN -> new PQInnerData(pq, p, q, nonce, serverNonce, newNonce);
            case DC -> new PQInnerDataDc(pq, p, q, nonce, serverNonce, newNonce, dc);
            case TEMP -> new PQInnerDataTemp(pq, p, q, nonce, serverNonce, newNonce, expiresIn);
            case TEMP_DC -> new PQInnerDataTempDc(pq, p, q, nonce, serverNonce, newNonce, dc, expiresIn);
        };
        return Tl.serialize(o);
    }

    public byte[] encrypt(Padding padding, byte[] data) {
        return padding == Padding.RSA_PAD ? encryptRsaPad(data) : encryptLegacy(data);
    }

    /** RSA_PAD (auth_key page 4.1). */
    public byte[] encryptRsaPad(byte[] data) {
        assertTrue(data.length <= 144);
        byte[] dataWithPadding = Arrays.copyOf(data, 192);
        System.arraycopy(random(192 - data.length), 0, dataWithPadding, data.length, 192 - data.length);
        byte[] reversed = new byte[192];
        for (int i = 0; i < 192; i++) {
            reversed[i] = dataWithPadding[191 - i];
        }
        while (true) {
            byte[] tempKey = random(32);
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
            if (mi.compareTo(rsaN) < 0) {
                return Dh.toBytes(mi.modPow(rsaE, rsaN), 256);
            }
        }
    }

    /** Legacy: SHA1(data) + data + random up to 255 bytes, raw RSA. */
    public byte[] encryptLegacy(byte[] data) {
        byte[] m = new byte[255];
        System.arraycopy(Sha.sha1(data), 0, m, 0, 20);
        System.arraycopy(data, 0, m, 20, data.length);
        System.arraycopy(random(255 - 20 - data.length), 0, m, 20 + data.length, 255 - 20 - data.length);
        return Dh.toBytes(new BigInteger(1, m).modPow(rsaE, rsaN), 256);
    }

    public byte[] reqDhParams(byte[] encryptedData) {
        return reqDhParams(nonce, serverNonce, p, q, fingerprint, encryptedData);
    }

    public byte[] reqDhParams(byte[] nonce, byte[] serverNonce, byte[] p, byte[] q, long fp, byte[] encryptedData) {
        return plain(Tl.serialize(new ReqDHParams(nonce, serverNonce, p, q, fp, encryptedData)));
    }

    /** Full step 2 with a well-formed request. */
    public byte[] reqDhParams(Variant v, Padding padding, int dc, int expiresIn) {
        return reqDhParams(encrypt(padding, innerData(v, dc, expiresIn)));
    }

    /**
     * Decrypts server_DH_params_ok and checks it like a careful client: SHA1, padding < 16, nonces,
     * g = 3, Telegram's prime, g_a range.
     */
    public ServerDHInnerData onServerDhParams(byte[] payload) {
        ServerDHParamsOk ok = assertInstanceOf(ServerDHParamsOk.class, parseReply(payload));
        assertArrayEquals(nonce, ok.nonce());
        assertArrayEquals(serverNonce, ok.serverNonce());
        MtprotoKdf.KeyIv tmp = MtprotoKdf.tmpAes(newNonce, serverNonce);
        tmpKey = tmp.key();
        tmpIv = tmp.iv();
        byte[] enc = ok.encryptedAnswer();
        assertEquals(0, enc.length % 16);
        byte[] awh = AesIge.decrypt(tmpKey, tmpIv, enc);
        byte[] rest = Arrays.copyOfRange(awh, 20, awh.length);
        ServerDHInnerData inner = assertInstanceOf(ServerDHInnerData.class,
                Tl.deserialize(rest, Schema.REGISTRY, TlLimits.DEFAULT));
        int len = Tl.serialize(inner).length;
        assertTrue(awh.length - 20 - len < 16, "padding < 16");
        assertTrue(awh.length - 20 - len >= 0);
        assertArrayEquals(Sha.sha1(Arrays.copyOfRange(awh, 20, 20 + len)), Arrays.copyOf(awh, 20), "answer SHA1");
        assertArrayEquals(nonce, inner.nonce());
        assertArrayEquals(serverNonce, inner.serverNonce());
        assertEquals(3, inner.g());
        assertArrayEquals(Dh.primeBytes(), inner.dhPrime());
        gA = new BigInteger(1, inner.gA());
        assertTrue(Dh.isValidPublic(gA), "g_a in range");
        serverTime = inner.serverTime();
        return inner;
    }

    // ---- step 3 -------------------------------------------------------------------------------

    /** Makes b and g_b (new ones on every call), returns client_DH_inner_data TL bytes. */
    public byte[] clientDhInner(long retryId) {
        do {
            b = new BigInteger(2048, rnd);
            gB = BigInteger.valueOf(3).modPow(b, Dh.PRIME);
        } while (!Dh.isValidPublic(gB));
        return clientDhInner(retryId, Dh.toUnsignedBytes(gB));
    }

    public byte[] clientDhInner(long retryId, byte[] gBBytes) {
        return Tl.serialize(new ClientDHInnerData(nonce, serverNonce, retryId, gBBytes));
    }

    /** SHA1(data) + data + padding to a multiple of 16 (extra 16-byte blocks on request), encrypted. */
    public byte[] encryptClientDh(byte[] data, int extraBlocks, boolean corruptHash) {
        int len = 20 + data.length;
        int pad = (16 - len % 16) % 16 + 16 * extraBlocks;
        byte[] dwh = new byte[len + pad];
        System.arraycopy(Sha.sha1(data), 0, dwh, 0, 20);
        if (corruptHash) {
            dwh[7] ^= 1;
        }
        System.arraycopy(data, 0, dwh, 20, data.length);
        System.arraycopy(random(pad), 0, dwh, len, pad);
        return AesIge.encrypt(tmpKey, tmpIv, dwh);
    }

    public byte[] setClientDhParams(byte[] encryptedData) {
        return plain(Tl.serialize(new SetClientDHParams(nonce, serverNonce, encryptedData)));
    }

    public byte[] setClientDhParams(long retryId) {
        return setClientDhParams(encryptClientDh(clientDhInner(retryId), 0, false));
    }

    /** The client's auth key g_a^b mod p (256 bytes, left-padded). */
    public byte[] computeAuthKey() {
        authKey = Dh.toBytes(gA.modPow(b, Dh.PRIME), 256);
        return authKey;
    }

    /** auth_key_aux_hash: SHA1(auth_key)[0..8) as LE int64. */
    public long auxHash() {
        return HandshakeSession.readLongLE(Sha.sha1(authKey), 0);
    }

    public byte[] newNonceHash(int n) {
        byte[] aux = Arrays.copyOf(Sha.sha1(authKey), 8);
        byte[] h = Sha.sha1(newNonce, new byte[] {(byte) n}, aux);
        return Arrays.copyOfRange(h, 4, 20);
    }

    public void onDhGenOk(byte[] payload) {
        DhGenOk ok = assertInstanceOf(DhGenOk.class, parseReply(payload));
        assertArrayEquals(nonce, ok.nonce());
        assertArrayEquals(serverNonce, ok.serverNonce());
        computeAuthKey();
        assertArrayEquals(newNonceHash(1), ok.newNonceHash1(), "new_nonce_hash1");
    }

    public void onDhGenRetry(byte[] payload) {
        DhGenRetry r = assertInstanceOf(DhGenRetry.class, parseReply(payload));
        assertArrayEquals(nonce, r.nonce());
        computeAuthKey();
        assertArrayEquals(newNonceHash(2), r.newNonceHash2(), "new_nonce_hash2");
    }

    /** initial salt: new_nonce[0..8) XOR server_nonce[0..8) as LE int64. */
    public long expectedSalt() {
        return HandshakeSession.readLongLE(newNonce, 0) ^ HandshakeSession.readLongLE(serverNonce, 0);
    }
}
