package io.mtgate.handshake;

import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.ConstantTime;
import io.mtgate.crypto.CryptoException;
import io.mtgate.crypto.Dh;
import io.mtgate.crypto.MtprotoKdf;
import io.mtgate.crypto.Pq;
import io.mtgate.crypto.RsaKey;
import io.mtgate.crypto.RsaPadding;
import io.mtgate.crypto.Sha;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.TlReader;
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
import io.mtgate.tl.mtproto.ServerDHInnerData;
import io.mtgate.tl.mtproto.ServerDHParamsOk;
import io.mtgate.tl.mtproto.SetClientDHParams;
import io.netty.buffer.Unpooled;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The server side of MTProto auth-key creation for one connection, as a sans-IO state machine
 * (checklist section 2). Feed it every plain message ({@code auth_key_id == 0}) of the connection
 * and do what the returned {@link HandshakeStep} says.
 *
 * <p>Not thread-safe: the connection's event loop owns it. It does no I/O, starts no threads and
 * never blocks, apart from the CPU work of one RSA decryption and one or two 2048-bit modPows per
 * attempt (use {@link PrecomputedDhKeys} to move g_a generation off the event loop).
 *
 * <h2>Attempts</h2>
 * Each req_pq / req_pq_multi opens an attempt keyed by (nonce, server_nonce) with a fresh
 * server_nonce and a fresh pq. Several attempts may run at once, at most
 * {@link HandshakeConfig#maxConcurrentAttempts()} (a new one evicts the oldest). An attempt is
 * forgotten {@link HandshakeConfig#forgetAfter()} after its req_pq; requests naming a forgotten or
 * unknown attempt get -404.
 *
 * <h2>Errors</h2>
 * Every failed check answers {@link HandshakeStep.Failure} -404 (-444 for a wrong dc) and marks the
 * attempt failed, so later requests of it also get -404. A request whose nonce or server_nonce
 * matches an attempt but whose pair matches none fails those attempts too. {@code server_DH_params_fail}
 * and {@code dh_gen_fail} are never sent (checklist 2.6 prefers -404). No input makes
 * {@link #onPlainMessage} throw.
 *
 * <h2>Retransmission</h2>
 * A byte-identical repeat of the latest request of an attempt (same message body; the msg_id may
 * differ) gets the byte-identical previous reply without new work. A request of the next step
 * proves the previous reply arrived; the cached earlier reply is then dropped. A repeat of
 * set_client_DH_params while the key is being stored fails the attempt (nothing could be sent
 * before the store finishes).
 */
public final class HandshakeSession {
    /** Largest accepted message_data_length of a plain message (req_DH_params is ~340 bytes). */
    static final int MAX_BODY_LENGTH = 1024;
    /** Header: auth_key_id(8) msg_id(8) message_data_length(4). */
    static final int HEADER_LENGTH = 20;
    /** dh_gen_retry answers allowed per attempt before it fails. */
    static final int MAX_RETRIES = 3;
    /** TL bounds for everything the handshake decodes (all values are small). */
    private static final TlLimits LIMITS = new TlLimits(512, 0, 2);

    private static final HandshakeStep.Failure NOT_FOUND = new HandshakeStep.Failure(HandshakeStep.Failure.NOT_FOUND);
    private static final HandshakeStep.Failure WRONG_DC = new HandshakeStep.Failure(HandshakeStep.Failure.WRONG_DC);

    private enum State {
        /** resPQ sent, waiting for req_DH_params. */
        RES_PQ_SENT,
        /** server_DH_params_ok sent, waiting for set_client_DH_params. */
        DH_PARAMS_SENT,
        /** StoreKey returned, waiting for onKeyStored. */
        STORING,
        /** dh_gen_retry sent, waiting for set_client_DH_params with retry_id = aux hash. */
        RETRY_SENT,
        /** dh_gen_ok sent. */
        DONE,
        FAILED
    }

    private static final class Attempt {
        final byte[] nonce;
        final byte[] serverNonce;
        final Instant createdAt;
        final Pq pq;
        State state = State.RES_PQ_SENT;
        /** The body of the latest request and the reply it got (null while storing). */
        byte[] lastRequest;
        byte[] lastReply;
        // set by req_DH_params
        byte[] newNonce;
        MtprotoKdf.KeyIv tmp;
        Dh.KeyPair dh;
        boolean temporary;
        int expiresIn;
        boolean media;
        // set by set_client_DH_params / onKeyStored
        long expectedRetryId;
        int retries;
        PendingKey pending;

        Attempt(byte[] nonce, byte[] serverNonce, Instant createdAt, Pq pq) {
            this.nonce = nonce;
            this.serverNonce = serverNonce;
            this.createdAt = createdAt;
            this.pq = pq;
        }

        /** Drops every secret; only the nonces and the state remain. */
        void wipeSecrets() {
            if (newNonce != null) {
                Arrays.fill(newNonce, (byte) 0);
                newNonce = null;
            }
            tmp = null;
            dh = null;
            pending = null;
        }

        void fail() {
            state = State.FAILED;
            wipeSecrets();
            lastRequest = null;
            lastReply = null;
        }
    }

    private final HandshakeConfig config;
    private final DhKeySource dhKeys;
    private final SecureRandom random;
    private final InstantSource clock;
    private final List<Long> fingerprints;
    /** Live attempts, oldest first. */
    private final List<Attempt> attempts = new ArrayList<>();
    private long lastMsgId;
    private FailureReason lastFailure;

    public HandshakeSession(HandshakeConfig config, DhKeySource dhKeys, SecureRandom random, InstantSource clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.dhKeys = Objects.requireNonNull(dhKeys, "dhKeys");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fingerprints = config.rsaKeys().stream().map(RsaKey::fingerprint).toList();
    }

    /**
     * Handles one whole plain message as received from the transport: {@code auth_key_id(8)=0 |
     * msg_id(8) | message_data_length(4) | message_data | trailing bytes (ignored)}.
     * Never throws; a null or malformed payload gets -404.
     */
    public HandshakeStep onPlainMessage(byte[] payload) {
        try {
            expire();
            if (payload == null) {
                return fail(FailureReason.MALFORMED_MESSAGE);
            }
            return handle(payload);
        } catch (RuntimeException e) {
            // Defensive: a bug must not take the event loop down. Nothing in the handlers mutates
            // an attempt before all its checks passed, so no attempt is left half-updated.
            return fail(FailureReason.INTERNAL);
        }
    }

    /**
     * Reports the result of persisting {@code key} (returned earlier in a
     * {@link HandshakeStep.StoreKey} by this session). SAVED gives dh_gen_ok; DUPLICATE_ID gives
     * dh_gen_retry (the client must retry with retry_id = this key's aux hash); FAILED gives -404.
     * If the attempt was forgotten or failed meanwhile, -404 (the stored key is then unused).
     *
     * @throws IllegalArgumentException if {@code key} was not produced by this session
     */
    public HandshakeStep onKeyStored(PendingKey key, StoreOutcome outcome) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(outcome, "outcome");
        if (key.owner != this) {
            throw new IllegalArgumentException("key belongs to another session");
        }
        expire();
        Attempt at = (Attempt) key.attempt;
        if (!attempts.contains(at) || at.state != State.STORING || at.pending != key) {
            return fail(at.state == State.FAILED ? FailureReason.ATTEMPT_FAILED : FailureReason.UNKNOWN_ATTEMPT);
        }
        AuthKey authKey = key.authKey();
        switch (outcome) {
            case SAVED -> {
                byte[] reply = plain(new DhGenOk(at.nonce, at.serverNonce, authKey.newNonceHash(at.newNonce, 1)));
                at.state = State.DONE;
                at.lastReply = reply;
                at.wipeSecrets();
                return new HandshakeStep.Reply(reply);
            }
            case DUPLICATE_ID -> {
                if (++at.retries > MAX_RETRIES) {
                    at.fail();
                    return fail(FailureReason.STORE_FAILED);
                }
                byte[] reply = plain(new DhGenRetry(at.nonce, at.serverNonce, authKey.newNonceHash(at.newNonce, 2)));
                at.state = State.RETRY_SENT;
                at.expectedRetryId = authKey.auxHash();
                at.pending = null;
                at.lastReply = reply;
                return new HandshakeStep.Reply(reply);
            }
            default -> {
                at.fail();
                return fail(FailureReason.STORE_FAILED);
            }
        }
    }

    /** Forgets attempts whose req_pq is older than {@link HandshakeConfig#forgetAfter()}; called by every event too. */
    public void expire() {
        Instant cutoff = clock.instant().minus(config.forgetAfter());
        for (Iterator<Attempt> it = attempts.iterator(); it.hasNext(); ) {
            Attempt at = it.next();
            if (!at.createdAt.isAfter(cutoff)) {
                at.wipeSecrets();
                it.remove();
            }
        }
    }

    /** Forgets every attempt and wipes their secrets (call when the connection closes). */
    public void forgetAll() {
        for (Attempt at : attempts) {
            at.wipeSecrets();
        }
        attempts.clear();
    }

    /** Attempts currently remembered (including finished and failed ones not yet forgotten). */
    public int attemptCount() {
        return attempts.size();
    }

    /** Why the most recent Failure was returned (null if none yet). */
    public FailureReason lastFailure() {
        return lastFailure;
    }

    // ------------------------------------------------------------------------------------------

    private HandshakeStep handle(byte[] payload) {
        if (payload.length < HEADER_LENGTH + 4) {
            return fail(FailureReason.MALFORMED_MESSAGE);
        }
        long authKeyId = readLongLE(payload, 0);
        long msgId = readLongLE(payload, 8);
        int length = readIntLE(payload, 16);
        // client msg_ids are divisible by 4; the length must fit the payload (trailing bytes are
        // tolerated, checklist 2.1) and every TL body is a positive multiple of 4 bytes.
        if (authKeyId != 0 || msgId == 0 || (msgId & 3) != 0 || length < 4 || (length & 3) != 0
                || length > MAX_BODY_LENGTH || length > payload.length - HEADER_LENGTH) {
            return fail(FailureReason.MALFORMED_MESSAGE);
        }
        byte[] body = Arrays.copyOfRange(payload, HEADER_LENGTH, HEADER_LENGTH + length);
        int constructor = readIntLE(body, 0);
        return switch (constructor) {
            case ReqPqMulti.CONSTRUCTOR_ID, ReqPq.CONSTRUCTOR_ID -> onReqPq(body);
            case ReqDHParams.CONSTRUCTOR_ID -> onReqDhParams(body);
            case SetClientDHParams.CONSTRUCTOR_ID -> onSetClientDhParams(body);
            default -> fail(FailureReason.UNEXPECTED_REQUEST);
        };
    }

    // req_pq_multi#be7e8ef1 nonce:int128 = ResPQ;   req_pq#60469778 nonce:int128 = ResPQ;
    private HandshakeStep onReqPq(byte[] body) {
        byte[] nonce = decodeExactly(body, TlReader::readInt128);
        if (nonce == null) {
            return fail(FailureReason.UNEXPECTED_REQUEST);
        }
        for (Attempt at : attempts) {
            if (at.state == State.RES_PQ_SENT && Arrays.equals(at.lastRequest, body)) {
                return new HandshakeStep.Reply(at.lastReply); // retransmission
            }
        }
        while (attempts.size() >= config.maxConcurrentAttempts()) {
            attempts.remove(0).wipeSecrets();
        }
        byte[] serverNonce = new byte[16];
        random.nextBytes(serverNonce);
        Pq pq = Pq.generate(random);
        // resPQ#05162463 nonce:int128 server_nonce:int128 pq:string server_public_key_fingerprints:Vector<long> = ResPQ;
        byte[] reply = plain(new ResPQ(nonce, serverNonce, pq.pqBytes(), fingerprints));
        Attempt at = new Attempt(nonce, serverNonce, clock.instant(), pq);
        at.lastRequest = body;
        at.lastReply = reply;
        attempts.add(at);
        return new HandshakeStep.Reply(reply);
    }

    // req_DH_params#d712e4be nonce:int128 server_nonce:int128 p:string q:string
    //     public_key_fingerprint:long encrypted_data:string = Server_DH_Params;
    private HandshakeStep onReqDhParams(byte[] body) {
        ReqDHParams req = decodeExactly(body, ReqDHParams::deserializeBare);
        if (req == null) {
            return fail(FailureReason.UNEXPECTED_REQUEST);
        }
        Attempt at = find(req.nonce(), req.serverNonce());
        if (at == null) {
            return fail(FailureReason.UNKNOWN_ATTEMPT);
        }
        if (at.state == State.FAILED) {
            return fail(FailureReason.ATTEMPT_FAILED);
        }
        if (at.state == State.DH_PARAMS_SENT && Arrays.equals(at.lastRequest, body)) {
            return new HandshakeStep.Reply(at.lastReply); // retransmission
        }
        if (at.state != State.RES_PQ_SENT) {
            return failAttempt(at, FailureReason.WRONG_STATE);
        }

        RsaKey rsa = config.keyFor(req.publicKeyFingerprint());
        if (rsa == null) {
            return failAttempt(at, FailureReason.UNKNOWN_FINGERPRINT);
        }
        // outer p, q: p < q and p*q == pq (the pq this attempt sent)
        if (req.p().length > 8 || req.q().length > 8) {
            return failAttempt(at, FailureReason.BAD_PQ);
        }
        BigInteger p = new BigInteger(1, req.p());
        BigInteger q = new BigInteger(1, req.q());
        BigInteger pq = BigInteger.valueOf(at.pq.pq());
        if (p.compareTo(BigInteger.ONE) <= 0 || p.compareTo(q) >= 0 || !p.multiply(q).equals(pq)) {
            return failAttempt(at, FailureReason.BAD_PQ);
        }
        if (req.encryptedData().length != rsa.modulusBytes()) {
            return failAttempt(at, FailureReason.BAD_ENCRYPTED_DATA);
        }
        Inner inner = decryptInner(rsa, req.encryptedData());
        if (inner == null) {
            return failAttempt(at, FailureReason.BAD_ENCRYPTED_DATA);
        }
        // inner pq/p/q/nonces equal the stored and outer values
        if (!Arrays.equals(inner.pq, at.pq.pqBytes()) || !Arrays.equals(inner.p, req.p())
                || !Arrays.equals(inner.q, req.q()) || !Arrays.equals(inner.nonce, at.nonce)
                || !Arrays.equals(inner.serverNonce, at.serverNonce)) {
            return failAttempt(at, FailureReason.INNER_DATA_MISMATCH);
        }
        if (inner.dc != null && inner.dc != config.dcId() && inner.dc != -config.dcId()) {
            at.fail();
            lastFailure = FailureReason.WRONG_DC;
            return WRONG_DC;
        }
        if (inner.expiresIn != null
                && (inner.expiresIn <= 0 || inner.expiresIn > config.maxTempKeyLifetime().getSeconds())) {
            return failAttempt(at, FailureReason.BAD_EXPIRES_IN);
        }

        Dh.KeyPair dh = dhKeys.next();
        if (dh == null || !Dh.isValidPublic(dh.gA())) {
            dh = Dh.generate(random); // a misbehaving source must not weaken the exchange
        }
        // server_DH_inner_data#b5890dba nonce:int128 server_nonce:int128 g:int dh_prime:string
        //     g_a:string server_time:int = Server_DH_inner_data;
        int serverTime = (int) clock.instant().getEpochSecond();
        byte[] answer = Tl.serialize(new ServerDHInnerData(at.nonce, at.serverNonce, Dh.G, Dh.primeBytes(),
                Dh.toBytes(dh.gA(), 256), serverTime));
        // answer_with_hash = SHA1(answer) + answer + 0..15 random bytes, a multiple of 16 in total
        int padding = (16 - (20 + answer.length) % 16) % 16;
        byte[] answerWithHash = new byte[20 + answer.length + padding];
        System.arraycopy(Sha.sha1(answer), 0, answerWithHash, 0, 20);
        System.arraycopy(answer, 0, answerWithHash, 20, answer.length);
        byte[] pad = new byte[padding];
        random.nextBytes(pad);
        System.arraycopy(pad, 0, answerWithHash, 20 + answer.length, padding);
        MtprotoKdf.KeyIv tmp = MtprotoKdf.tmpAes(inner.newNonce, at.serverNonce);
        byte[] encryptedAnswer = AesIge.encrypt(tmp.key(), tmp.iv(), answerWithHash);
        // server_DH_params_ok#d0e8075c nonce:int128 server_nonce:int128 encrypted_answer:string = Server_DH_Params;
        byte[] reply = plain(new ServerDHParamsOk(at.nonce, at.serverNonce, encryptedAnswer));

        at.newNonce = inner.newNonce;
        at.tmp = tmp;
        at.dh = dh;
        at.temporary = inner.expiresIn != null;
        at.expiresIn = inner.expiresIn == null ? 0 : inner.expiresIn;
        at.media = inner.dc != null && inner.dc < 0;
        at.expectedRetryId = 0;
        at.state = State.DH_PARAMS_SENT;
        at.lastRequest = body; // the resPQ is proven delivered: drop it
        at.lastReply = reply;
        return new HandshakeStep.Reply(reply);
    }

    // set_client_DH_params#f5045f1f nonce:int128 server_nonce:int128 encrypted_data:string = Set_client_DH_params_answer;
    private HandshakeStep onSetClientDhParams(byte[] body) {
        SetClientDHParams req = decodeExactly(body, SetClientDHParams::deserializeBare);
        if (req == null) {
            return fail(FailureReason.UNEXPECTED_REQUEST);
        }
        Attempt at = find(req.nonce(), req.serverNonce());
        if (at == null) {
            return fail(FailureReason.UNKNOWN_ATTEMPT);
        }
        if (at.state == State.FAILED) {
            return fail(FailureReason.ATTEMPT_FAILED);
        }
        if (Arrays.equals(at.lastRequest, body)) {
            if (at.lastReply != null) {
                return new HandshakeStep.Reply(at.lastReply); // retransmission (dh_gen_ok / dh_gen_retry)
            }
            return failAttempt(at, FailureReason.WRONG_STATE); // repeated while storing
        }
        if (at.state != State.DH_PARAMS_SENT && at.state != State.RETRY_SENT) {
            return failAttempt(at, FailureReason.WRONG_STATE);
        }

        byte[] enc = req.encryptedData();
        if (enc.length == 0 || (enc.length & 15) != 0 || enc.length < 20 + 4) {
            return failAttempt(at, FailureReason.BAD_CLIENT_DH_DATA);
        }
        byte[] plain = AesIge.decrypt(at.tmp.key(), at.tmp.iv(), enc);
        try {
            // data_with_hash = SHA1(data) + data + 0..15 padding; data = client_DH_inner_data
            ClientDHInnerData inner;
            int dataLength;
            try {
                TlReader r = new TlReader(Unpooled.wrappedBuffer(plain, 20, plain.length - 20), LIMITS, null);
                if (r.readInt() != ClientDHInnerData.CONSTRUCTOR_ID) {
                    return failAttempt(at, FailureReason.BAD_CLIENT_DH_DATA);
                }
                // client_DH_inner_data#6643b654 nonce:int128 server_nonce:int128 retry_id:long g_b:string
                inner = ClientDHInnerData.deserializeBare(r);
                dataLength = plain.length - 20 - r.remaining();
            } catch (RuntimeException e) {
                return failAttempt(at, FailureReason.BAD_CLIENT_DH_DATA);
            }
            int padding = plain.length - 20 - dataLength;
            if (padding >= 16 || !ConstantTime.equals(Sha.sha1(plain, 20, dataLength), 0, plain, 0, 20)) {
                return failAttempt(at, FailureReason.BAD_CLIENT_DH_DATA);
            }
            if (!Arrays.equals(inner.nonce(), at.nonce) || !Arrays.equals(inner.serverNonce(), at.serverNonce)) {
                return failAttempt(at, FailureReason.INNER_DATA_MISMATCH);
            }
            if (inner.retryId() != at.expectedRetryId) {
                return failAttempt(at, FailureReason.BAD_RETRY_ID);
            }
            byte[] gBBytes = inner.gB();
            BigInteger gB = new BigInteger(1, gBBytes);
            if (gBBytes.length > 256 || !Dh.isValidPublic(gB)) {
                return failAttempt(at, FailureReason.BAD_G_B);
            }
            byte[] keyBytes = Dh.computeAuthKey(at.dh.a(), gB); // exactly 256 bytes, left-padded
            AuthKey authKey = new AuthKey(keyBytes);
            Arrays.fill(keyBytes, (byte) 0);
            long salt = readLongLE(at.newNonce, 0) ^ readLongLE(at.serverNonce, 0);
            PendingKey pending = new PendingKey(authKey, at.temporary, at.expiresIn, salt, clock.instant(),
                    config.dcId(), at.media, this, at);
            at.state = State.STORING;
            at.pending = pending;
            at.lastRequest = body; // server_DH_params_ok (or dh_gen_retry) is proven delivered
            at.lastReply = null;
            return new HandshakeStep.StoreKey(pending);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** The fields of any p_q_inner_data variant; dc / expiresIn are null when the variant has none. */
    private record Inner(byte[] pq, byte[] p, byte[] q, byte[] nonce, byte[] serverNonce, byte[] newNonce,
            Integer dc, Integer expiresIn) {
    }

    /**
     * RSA-decrypts encrypted_data and returns the verified inner data: first the legacy form
     * (0 | SHA1(data) | data | random), then RSA_PAD. Null if neither verifies.
     */
    private static Inner decryptInner(RsaKey rsa, byte[] encrypted) {
        byte[] m;
        try {
            m = rsa.decryptRaw(encrypted);
        } catch (CryptoException e) {
            return null;
        }
        try {
            try {
                byte[] data = RsaPadding.decodeLegacy(m, HandshakeSession::innerLength);
                Inner inner = parseInner(data);
                if (inner != null) {
                    return inner;
                }
            } catch (CryptoException e) {
                // not the legacy form: try RSA_PAD
            }
            try {
                byte[] dataWithPadding = RsaPadding.decodeRsaPad(m);
                try {
                    return parseInner(dataWithPadding);
                } finally {
                    Arrays.fill(dataWithPadding, (byte) 0);
                }
            } catch (CryptoException e) {
                return null;
            }
        } finally {
            Arrays.fill(m, (byte) 0);
        }
    }

    /** Length of the p_q_inner_data at the start of {@code data}, -1 if there is none. */
    private static int innerLength(byte[] data) {
        TlReader r = new TlReader(Unpooled.wrappedBuffer(data), LIMITS, null);
        try {
            return readInner(r) == null ? -1 : r.position();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The p_q_inner_data at the start of {@code data} (trailing bytes ignored), or null. */
    private static Inner parseInner(byte[] data) {
        try {
            return readInner(new TlReader(Unpooled.wrappedBuffer(data), LIMITS, null));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Inner readInner(TlReader r) {
        int id = r.readInt();
        switch (id) {
            case PQInnerData.CONSTRUCTOR_ID -> {
                PQInnerData d = PQInnerData.deserializeBare(r);
                return new Inner(d.pq(), d.p(), d.q(), d.nonce(), d.serverNonce(), d.newNonce(), null, null);
            }
            case PQInnerDataDc.CONSTRUCTOR_ID -> {
                PQInnerDataDc d = PQInnerDataDc.deserializeBare(r);
                return new Inner(d.pq(), d.p(), d.q(), d.nonce(), d.serverNonce(), d.newNonce(), d.dc(), null);
            }
            case PQInnerDataTemp.CONSTRUCTOR_ID -> {
                PQInnerDataTemp d = PQInnerDataTemp.deserializeBare(r);
                return new Inner(d.pq(), d.p(), d.q(), d.nonce(), d.serverNonce(), d.newNonce(), null, d.expiresIn());
            }
            case PQInnerDataTempDc.CONSTRUCTOR_ID -> {
                PQInnerDataTempDc d = PQInnerDataTempDc.deserializeBare(r);
                return new Inner(d.pq(), d.p(), d.q(), d.nonce(), d.serverNonce(), d.newNonce(), d.dc(),
                        d.expiresIn());
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The attempt with exactly this (nonce, server_nonce). If there is none, attempts matching
     * only one of the two are failed (a request of theirs with a wrong nonce), and null returned.
     */
    private Attempt find(byte[] nonce, byte[] serverNonce) {
        for (Attempt at : attempts) {
            if (Arrays.equals(at.nonce, nonce) && Arrays.equals(at.serverNonce, serverNonce)) {
                return at;
            }
        }
        for (Attempt at : attempts) {
            if (Arrays.equals(at.nonce, nonce) || Arrays.equals(at.serverNonce, serverNonce)) {
                at.fail();
            }
        }
        return null;
    }

    private HandshakeStep failAttempt(Attempt at, FailureReason reason) {
        at.fail();
        return fail(reason);
    }

    private HandshakeStep fail(FailureReason reason) {
        lastFailure = reason;
        return NOT_FOUND;
    }

    /** The body after its constructor id, decoded as exactly one value; null if it is not. */
    private static <T> T decodeExactly(byte[] body, java.util.function.Function<TlReader, T> decoder) {
        try {
            TlReader r = reader(body, 4);
            T value = decoder.apply(r);
            return r.remaining() == 0 ? value : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static TlReader reader(byte[] body, int offset) {
        return new TlReader(Unpooled.wrappedBuffer(body, offset, body.length - offset), LIMITS, null);
    }

    /** A plain message carrying {@code body}: auth_key_id 0 | server msg_id | length | body. */
    private byte[] plain(TlObject body) {
        byte[] data = Tl.serialize(body);
        byte[] out = new byte[HEADER_LENGTH + data.length];
        writeLongLE(out, 8, nextMsgId());
        writeIntLE(out, 16, data.length);
        System.arraycopy(data, 0, out, HEADER_LENGTH, data.length);
        return out;
    }

    /**
     * A server msg_id: unix time in the high 32 bits, the fraction of the second below,
     * {@code msg_id mod 4 == 1}, strictly increasing within this session.
     */
    private long nextMsgId() {
        Instant now = clock.instant();
        long id = (now.getEpochSecond() << 32) | ((now.getNano() * (1L << 32)) / 1_000_000_000L);
        id = (id & ~3L) | 1;
        if (id <= lastMsgId) {
            id = lastMsgId + 4;
        }
        lastMsgId = id;
        return id;
    }

    static long readLongLE(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }

    static int readIntLE(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static void writeLongLE(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void writeIntLE(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
