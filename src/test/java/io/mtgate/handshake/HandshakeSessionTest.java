package io.mtgate.handshake;

import static io.mtgate.handshake.TestClient.reply;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.Dh;
import io.mtgate.tl.Tl;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.ResPQ;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakeSessionTest {
    private final Fixtures.TestClock clock = new Fixtures.TestClock();
    private final HandshakeSession session =
            new HandshakeSession(Fixtures.config(), DhKeySource.onDemand(Fixtures.seeded(100)), Fixtures.seeded(101), clock);
    private final TestClient client = newClient(200);
    private final List<Long> replyIds = new ArrayList<>();

    private static TestClient newClient(long seed) {
        return new TestClient(Fixtures.seeded(seed), Fixtures.KEY1.modulus(), Fixtures.KEY1.publicExponent(),
                Fixtures.KEY1.fingerprint());
    }

    private byte[] send(byte[] msg) {
        byte[] r = reply(session.onPlainMessage(msg));
        replyIds.add(TestClient.msgIdOf(r));
        return r;
    }

    private byte[] send(HandshakeStep step) {
        byte[] r = reply(step);
        replyIds.add(TestClient.msgIdOf(r));
        return r;
    }

    private static byte[] rsaDecrypt(byte[] enc) {
        try {
            return Fixtures.KEY1.decryptRaw(enc);
        } catch (io.mtgate.crypto.CryptoException e) {
            throw new AssertionError(e);
        }
    }

    private void assertFails(HandshakeStep step, FailureReason reason) {
        assertEquals(new HandshakeStep.Failure(-404), step);
        assertEquals(reason, session.lastFailure());
    }

    private void step1() {
        client.onResPq(send(client.reqPqMulti()));
    }

    private void step2(TestClient.Variant v, TestClient.Padding pad) {
        step1();
        client.onServerDhParams(send(client.reqDhParams(v, pad, Fixtures.DC, 3600)));
    }

    private PendingKey step3() {
        HandshakeStep s = session.onPlainMessage(client.setClientDhParams(0));
        return assertInstanceOf(HandshakeStep.StoreKey.class, s).key();
    }

    /** After a failure, the attempt must be dead: a correct request of it gets -404. */
    private void assertAttemptDead() {
        HandshakeStep s = session.onPlainMessage(client.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD,
                Fixtures.DC, 0));
        assertFails(s, FailureReason.ATTEMPT_FAILED);
    }

    // ---- happy paths ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(TestClient.Variant.class)
    void fullHandshakeRsaPad(TestClient.Variant v) {
        fullHandshake(v, TestClient.Padding.RSA_PAD);
    }

    @ParameterizedTest
    @EnumSource(TestClient.Variant.class)
    void fullHandshakeLegacyPadding(TestClient.Variant v) {
        fullHandshake(v, TestClient.Padding.LEGACY);
    }

    private void fullHandshake(TestClient.Variant v, TestClient.Padding pad) {
        step2(v, pad);
        assertEquals(clock.now.getEpochSecond(), client.serverTime);
        PendingKey key = step3();
        client.onDhGenOk(send(session.onKeyStored(key, StoreOutcome.SAVED)));
        assertArrayEquals(client.authKey, key.authKey().bytes(), "same auth key on both sides");
        assertEquals(client.expectedSalt(), key.initialServerSalt());
        boolean temp = v == TestClient.Variant.TEMP || v == TestClient.Variant.TEMP_DC;
        assertEquals(temp, key.temporary());
        assertEquals(temp ? 3600 : 0, key.expiresInSeconds());
        assertEquals(temp ? Optional.of(clock.now.plusSeconds(3600)) : Optional.empty(), key.expiresAt());
        assertEquals(Fixtures.DC, key.dcId());
        assertFalse(key.media());
        assertEquals(clock.now, key.createdAt());
        assertFalse(key.toString().contains(HexFormat.of().formatHex(client.authKey).substring(0, 16)));
        assertIdsIncreasing();
    }

    private void assertIdsIncreasing() {
        assertTrue(replyIds.size() >= 3);
        for (int i = 0; i < replyIds.size(); i++) {
            assertEquals(1L, replyIds.get(i) & 3);
            assertEquals(clock.now.getEpochSecond(), replyIds.get(i) >>> 32, "unix time in the high 32 bits");
            if (i > 0) {
                assertTrue(replyIds.get(i) > replyIds.get(i - 1), "strictly increasing");
            }
        }
    }

    @Test
    void legacyReqPqIsAnswered() {
        client.onResPq(send(client.reqPqLegacy()));
        client.onServerDhParams(send(client.reqDhParams(TestClient.Variant.DC, TestClient.Padding.RSA_PAD, 2, 0)));
        PendingKey key = step3();
        client.onDhGenOk(send(session.onKeyStored(key, StoreOutcome.SAVED)));
        assertArrayEquals(client.authKey, key.authKey().bytes());
    }

    @Test
    void resPqOffersAllFingerprintsAndFreshPq() {
        ResPQ r1 = assertInstanceOf(ResPQ.class, TestClient.parseReply(send(client.reqPqMulti())));
        ResPQ r2 = assertInstanceOf(ResPQ.class, TestClient.parseReply(send(client.reqPqMulti())));
        assertEquals(List.of(Fixtures.KEY1.fingerprint(), Fixtures.KEY2.fingerprint()), r1.serverPublicKeyFingerprints());
        assertNotEquals(new BigInteger(1, r1.pq()), new BigInteger(1, r2.pq()), "fresh pq per attempt");
        assertNotEquals(HexFormat.of().formatHex(r1.serverNonce()), HexFormat.of().formatHex(r2.serverNonce()));
        for (ResPQ r : List.of(r1, r2)) {
            long n = new BigInteger(1, r.pq()).longValueExact();
            long f = TestClient.factor(n);
            long p = Math.min(f, n / f);
            long q = Math.max(f, n / f);
            assertTrue(p >= 1L << 30 && q < 1L << 31 && p < q);
        }
    }

    @Test
    void secondConfiguredKeyWorks() {
        TestClient c2 = new TestClient(Fixtures.seeded(7), Fixtures.KEY2.modulus(), Fixtures.KEY2.publicExponent(),
                Fixtures.KEY2.fingerprint());
        c2.onResPq(send(c2.reqPqMulti()));
        c2.onServerDhParams(send(c2.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.LEGACY, 0, 0)));
        PendingKey key = assertInstanceOf(HandshakeStep.StoreKey.class,
                session.onPlainMessage(c2.setClientDhParams(0))).key();
        c2.onDhGenOk(send(session.onKeyStored(key, StoreOutcome.SAVED)));
        assertArrayEquals(c2.authKey, key.authKey().bytes());
    }

    @Test
    void officialSampleReqPqMultiIsAnswered() {
        // checklist A.9 step 1, byte for byte
        byte[] req = HexFormat.of().parseHex("000000000000000060970500ebe5776714000000f18e7ebe79f0afb50252e5fc"
                + "96924bfcecda4f05");
        ResPQ r = assertInstanceOf(ResPQ.class, TestClient.parseReply(send(req)));
        assertEquals("79f0afb50252e5fc96924bfcecda4f05", HexFormat.of().formatHex(r.nonce()));
        // A.9 step 5 uses Telegram's key (not configured here) and another server_nonce: -404
        byte[] reqDh = TestClient.plain(0x6777e5eb0008e568L, Tl.serialize(new io.mtgate.tl.mtproto.ReqDHParams(
                r.nonce(), r.serverNonce(), new byte[] {0x44, 0x09, 0x5e, 0x05}, new byte[] {0x47, (byte) 0xa8, (byte) 0xc8, 0x4f},
                0xd09d1d85de64fd85L, new byte[256])));
        assertFails(session.onPlainMessage(reqDh), FailureReason.UNKNOWN_FINGERPRINT); // Telegram's key is not ours
    }

    @Test
    void mediaDcAccepted() {
        step1();
        client.onServerDhParams(send(client.reqDhParams(TestClient.Variant.TEMP_DC, TestClient.Padding.RSA_PAD, -2, 60)));
        PendingKey key = step3();
        assertTrue(key.media());
        assertTrue(key.temporary());
        assertEquals(60, key.expiresInSeconds());
        assertEquals(2, key.dcId());
    }

    @Test
    void maxTempLifetimeAccepted() {
        step1();
        int max = (int) Fixtures.config().maxTempKeyLifetime().getSeconds();
        client.onServerDhParams(send(client.reqDhParams(TestClient.Variant.TEMP, TestClient.Padding.LEGACY, 0, max)));
        assertEquals(max, step3().expiresInSeconds());
    }

    // ---- rejections in req_DH_params ----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE, 86_401, Integer.MAX_VALUE})
    void badExpiresInRejected(int expiresIn) {
        for (TestClient.Variant v : List.of(TestClient.Variant.TEMP, TestClient.Variant.TEMP_DC)) {
            step1();
            assertFails(session.onPlainMessage(client.reqDhParams(v, TestClient.Padding.RSA_PAD, 2, expiresIn)),
                    FailureReason.BAD_EXPIRES_IN);
            assertAttemptDead();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 10002, -3, -10002, 0})
    void wrongDcGets444(int dc) {
        for (TestClient.Variant v : List.of(TestClient.Variant.DC, TestClient.Variant.TEMP_DC)) {
            step1();
            HandshakeStep s = session.onPlainMessage(client.reqDhParams(v, TestClient.Padding.LEGACY, dc, 100));
            assertEquals(new HandshakeStep.Failure(-444), s);
            assertEquals(FailureReason.WRONG_DC, session.lastFailure());
            assertAttemptDead();
        }
    }

    @Test
    void badNonceInReqDhParams() {
        step1();
        byte[] enc = client.encrypt(TestClient.Padding.RSA_PAD, client.innerData(TestClient.Variant.PLAIN, 0, 0));
        byte[] bad = client.nonce.clone();
        bad[0] ^= 1;
        assertFails(session.onPlainMessage(client.reqDhParams(bad, client.serverNonce, client.p, client.q,
                client.fingerprint, enc)), FailureReason.UNKNOWN_ATTEMPT);
        assertAttemptDead();
    }

    @Test
    void badServerNonceInReqDhParams() {
        step1();
        byte[] enc = client.encrypt(TestClient.Padding.RSA_PAD, client.innerData(TestClient.Variant.PLAIN, 0, 0));
        byte[] bad = client.serverNonce.clone();
        bad[15] ^= 1;
        assertFails(session.onPlainMessage(client.reqDhParams(client.nonce, bad, client.p, client.q,
                client.fingerprint, enc)), FailureReason.UNKNOWN_ATTEMPT);
        assertAttemptDead();
    }

    @Test
    void innerNonceMismatch() {
        step1();
        byte[] realNonce = client.nonce;
        client.nonce = client.random(16);
        byte[] enc = client.encrypt(TestClient.Padding.LEGACY, client.innerData(TestClient.Variant.DC, 2, 0));
        client.nonce = realNonce;
        assertFails(session.onPlainMessage(client.reqDhParams(enc)), FailureReason.INNER_DATA_MISMATCH);
        assertAttemptDead();
    }

    @Test
    void innerPqMismatch() {
        step1();
        byte[] realP = client.p;
        byte[] realQ = client.q;
        client.p = new byte[] {0, 0, 0, 7};  // inner p differs in bytes from the outer p
        byte[] enc = client.encrypt(TestClient.Padding.RSA_PAD, client.innerData(TestClient.Variant.PLAIN, 0, 0));
        client.p = realP;
        client.q = realQ;
        assertFails(session.onPlainMessage(client.reqDhParams(enc)), FailureReason.INNER_DATA_MISMATCH);
        assertAttemptDead();
    }

    @Test
    void unknownFingerprint() {
        step1();
        byte[] enc = client.encrypt(TestClient.Padding.RSA_PAD, client.innerData(TestClient.Variant.PLAIN, 0, 0));
        assertFails(session.onPlainMessage(client.reqDhParams(client.nonce, client.serverNonce, client.p, client.q,
                Fixtures.OTHER.fingerprint(), enc)), FailureReason.UNKNOWN_FINGERPRINT);
        assertAttemptDead();
    }

    @Test
    void pqMismatch() {
        step1();
        byte[] enc = client.encrypt(TestClient.Padding.RSA_PAD, client.innerData(TestClient.Variant.PLAIN, 0, 0));
        byte[] p2 = Dh.toUnsignedBytes(new BigInteger(1, client.p).add(BigInteger.TWO));
        assertFails(session.onPlainMessage(client.reqDhParams(client.nonce, client.serverNonce, p2, client.q,
                client.fingerprint, enc)), FailureReason.BAD_PQ);
        assertAttemptDead();
    }

    @Test
    void pGreaterThanQ() {
        step1();
        byte[] p = client.p;
        client.p = client.q;
        client.q = p;
        byte[] enc = client.encrypt(TestClient.Padding.RSA_PAD, client.innerData(TestClient.Variant.PLAIN, 0, 0));
        assertFails(session.onPlainMessage(client.reqDhParams(enc)), FailureReason.BAD_PQ);
        assertAttemptDead();
    }

    @Test
    void pqTrivialFactorisation() {
        step1();
        byte[] enc = client.encrypt(TestClient.Padding.RSA_PAD, client.innerData(TestClient.Variant.PLAIN, 0, 0));
        assertFails(session.onPlainMessage(client.reqDhParams(client.nonce, client.serverNonce, new byte[] {1},
                client.pq, client.fingerprint, enc)), FailureReason.BAD_PQ);
        assertAttemptDead();
    }

    @ParameterizedTest
    @EnumSource(TestClient.Padding.class)
    void corruptedRsaBlob(TestClient.Padding pad) {
        step1();
        byte[] enc = client.encrypt(pad, client.innerData(TestClient.Variant.DC, 2, 0));
        // corrupt byte 55 of the RSA plaintext (inside the hashed data for both schemes) and re-encrypt
        BigInteger m = new BigInteger(1, rsaDecrypt(enc));
        BigInteger m2 = m.flipBit(8 * 200 + 3);
        byte[] bad = Dh.toBytes(m2.modPow(client.rsaE, client.rsaN), 256);
        assertFails(session.onPlainMessage(client.reqDhParams(bad)), FailureReason.BAD_ENCRYPTED_DATA);
        assertAttemptDead();
    }

    @Test
    void rsaCiphertextNotBelowModulusOrWrongLength() {
        step1();
        byte[] ff = new byte[256];
        java.util.Arrays.fill(ff, (byte) 0xff);
        assertFails(session.onPlainMessage(client.reqDhParams(ff)), FailureReason.BAD_ENCRYPTED_DATA);
        step1();
        assertFails(session.onPlainMessage(client.reqDhParams(new byte[255])), FailureReason.BAD_ENCRYPTED_DATA);
        assertAttemptDead();
    }

    @Test
    void reqDhParamsTwiceWithDifferentBytesFails() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD);
        assertFails(session.onPlainMessage(client.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD, 0, 0)),
                FailureReason.WRONG_STATE);
        assertFails(session.onPlainMessage(client.setClientDhParams(0)), FailureReason.ATTEMPT_FAILED);
    }

    // ---- rejections in set_client_DH_params ----------------------------------------------------------

    @Test
    void setClientDhBeforeReqDhParams() {
        step1();
        client.tmpKey = new byte[32];
        client.tmpIv = new byte[32];
        assertFails(session.onPlainMessage(client.setClientDhParams(0)), FailureReason.WRONG_STATE);
        assertAttemptDead();
    }

    @Test
    void corruptedInnerSha1() {
        step2(TestClient.Variant.DC, TestClient.Padding.RSA_PAD);
        byte[] enc = client.encryptClientDh(client.clientDhInner(0), 0, true);
        assertFails(session.onPlainMessage(client.setClientDhParams(enc)), FailureReason.BAD_CLIENT_DH_DATA);
        assertFails(session.onPlainMessage(client.setClientDhParams(0)), FailureReason.ATTEMPT_FAILED);
    }

    @Test
    void paddingOf16OrMoreRejected() {
        step2(TestClient.Variant.DC, TestClient.Padding.RSA_PAD);
        byte[] enc = client.encryptClientDh(client.clientDhInner(0), 1, false);
        assertFails(session.onPlainMessage(client.setClientDhParams(enc)), FailureReason.BAD_CLIENT_DH_DATA);
        assertFails(session.onPlainMessage(client.setClientDhParams(0)), FailureReason.ATTEMPT_FAILED);
    }

    @Test
    void ciphertextNotMultipleOf16() {
        step2(TestClient.Variant.DC, TestClient.Padding.RSA_PAD);
        byte[] enc = client.encryptClientDh(client.clientDhInner(0), 0, false);
        assertFails(session.onPlainMessage(client.setClientDhParams(java.util.Arrays.copyOf(enc, enc.length - 4))),
                FailureReason.BAD_CLIENT_DH_DATA);
        assertFails(session.onPlainMessage(client.setClientDhParams(0)), FailureReason.ATTEMPT_FAILED);
    }

    @Test
    void wrongTmpKeyGarbles() {
        step2(TestClient.Variant.DC, TestClient.Padding.RSA_PAD);
        client.tmpKey = client.random(32);
        assertFails(session.onPlainMessage(client.setClientDhParams(0)), FailureReason.BAD_CLIENT_DH_DATA);
    }

    @Test
    void innerNonceMismatchInClientDh() {
        step2(TestClient.Variant.DC, TestClient.Padding.RSA_PAD);
        byte[] n = client.nonce;
        client.nonce = client.random(16);
        byte[] inner = client.clientDhInner(0);
        client.nonce = n;
        assertFails(session.onPlainMessage(client.setClientDhParams(client.encryptClientDh(inner, 0, false))),
                FailureReason.INNER_DATA_MISMATCH);
    }

    static List<BigInteger> badGb() {
        BigInteger low = BigInteger.ONE.shiftLeft(2048 - 64);
        return List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3),
                Dh.PRIME.subtract(BigInteger.ONE), Dh.PRIME, Dh.PRIME.add(BigInteger.ONE), low,
                Dh.PRIME.subtract(low), BigInteger.ONE.shiftLeft(2048).subtract(BigInteger.ONE));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("badGb")
    void badGbRange(BigInteger gB) {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.LEGACY);
        byte[] inner = client.clientDhInner(0, Dh.toUnsignedBytes(gB));
        assertFails(session.onPlainMessage(client.setClientDhParams(client.encryptClientDh(inner, 0, false))),
                FailureReason.BAD_G_B);
        assertFails(session.onPlainMessage(client.setClientDhParams(0)), FailureReason.ATTEMPT_FAILED);
    }

    @Test
    void gbLongerThan256BytesRejected() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.LEGACY);
        client.clientDhInner(0);
        byte[] padded = Dh.toBytes(client.gB, 257); // valid value, 257-byte string
        byte[] inner = client.clientDhInner(0, padded);
        assertFails(session.onPlainMessage(client.setClientDhParams(client.encryptClientDh(inner, 0, false))),
                FailureReason.BAD_G_B);
    }

    @Test
    void gbWithLeadingZeroAccepted() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.LEGACY);
        client.clientDhInner(0);
        byte[] inner = client.clientDhInner(0, Dh.toBytes(client.gB, 256));
        PendingKey key = assertInstanceOf(HandshakeStep.StoreKey.class,
                session.onPlainMessage(client.setClientDhParams(client.encryptClientDh(inner, 0, false)))).key();
        assertArrayEquals(client.computeAuthKey(), key.authKey().bytes());
    }

    @Test
    void nonZeroRetryIdOnFirstTry() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD);
        assertFails(session.onPlainMessage(client.setClientDhParams(12345)), FailureReason.BAD_RETRY_ID);
        assertFails(session.onPlainMessage(client.setClientDhParams(0)), FailureReason.ATTEMPT_FAILED);
    }

    // ---- storage outcomes -------------------------------------------------------------------------

    @Test
    void duplicateIdGivesRetryThenRetrySucceeds() {
        step2(TestClient.Variant.TEMP_DC, TestClient.Padding.RSA_PAD);
        PendingKey first = step3();
        client.onDhGenRetry(send(session.onKeyStored(first, StoreOutcome.DUPLICATE_ID)));
        long aux = client.auxHash();
        assertEquals(first.authKey().auxHash(), aux);
        // retry with a new b and retry_id = aux hash
        PendingKey second = assertInstanceOf(HandshakeStep.StoreKey.class,
                session.onPlainMessage(client.setClientDhParams(aux))).key();
        client.onDhGenOk(send(session.onKeyStored(second, StoreOutcome.SAVED)));
        assertArrayEquals(client.authKey, second.authKey().bytes());
        assertNotEquals(first.authKeyId(), second.authKeyId());
        assertTrue(second.temporary());
        assertEquals(client.expectedSalt(), second.initialServerSalt());
        assertIdsIncreasing();
    }

    @Test
    void retryWithWrongRetryIdFails() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD);
        PendingKey first = step3();
        client.onDhGenRetry(send(session.onKeyStored(first, StoreOutcome.DUPLICATE_ID)));
        assertFails(session.onPlainMessage(client.setClientDhParams(0)), FailureReason.BAD_RETRY_ID);
    }

    @Test
    void tooManyRetriesFail() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD);
        PendingKey key = step3();
        for (int i = 0; i < HandshakeSession.MAX_RETRIES; i++) {
            client.onDhGenRetry(send(session.onKeyStored(key, StoreOutcome.DUPLICATE_ID)));
            key = assertInstanceOf(HandshakeStep.StoreKey.class,
                    session.onPlainMessage(client.setClientDhParams(client.auxHash()))).key();
        }
        assertFails(session.onKeyStored(key, StoreOutcome.DUPLICATE_ID), FailureReason.STORE_FAILED);
    }

    @Test
    void failedStoreGives404AndNoDhGenOk() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD);
        byte[] msg = client.setClientDhParams(0);
        PendingKey key = assertInstanceOf(HandshakeStep.StoreKey.class, session.onPlainMessage(msg)).key();
        assertFails(session.onKeyStored(key, StoreOutcome.FAILED), FailureReason.STORE_FAILED);
        assertFails(session.onPlainMessage(msg), FailureReason.ATTEMPT_FAILED);
        assertFails(session.onKeyStored(key, StoreOutcome.SAVED), FailureReason.ATTEMPT_FAILED);
    }

    @Test
    void keyStoredTwiceOrForeign() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD);
        PendingKey key = step3();
        reply(session.onKeyStored(key, StoreOutcome.SAVED));
        assertFails(session.onKeyStored(key, StoreOutcome.SAVED), FailureReason.UNKNOWN_ATTEMPT);
        HandshakeSession other = new HandshakeSession(Fixtures.config(), DhKeySource.onDemand(Fixtures.seeded(5)),
                Fixtures.seeded(6), clock);
        assertThrows(IllegalArgumentException.class, () -> other.onKeyStored(key, StoreOutcome.SAVED));
    }

    @Test
    void repeatWhileStoringFailsAttempt() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD);
        byte[] msg = client.setClientDhParams(0);
        PendingKey key = assertInstanceOf(HandshakeStep.StoreKey.class, session.onPlainMessage(msg)).key();
        assertFails(session.onPlainMessage(msg), FailureReason.WRONG_STATE);
        assertFails(session.onKeyStored(key, StoreOutcome.SAVED), FailureReason.ATTEMPT_FAILED);
    }

    // ---- retransmission, concurrency, expiry ---------------------------------------------------------

    @Test
    void byteIdenticalRetransmissionsGetIdenticalReplies() {
        byte[] m1 = client.reqPqMulti();
        byte[] r1 = send(m1);
        assertArrayEquals(r1, reply(session.onPlainMessage(m1)));
        // same body under a new msg_id is the same request
        byte[] m1b = m1.clone();
        m1b[8] ^= 4;
        assertArrayEquals(r1, reply(session.onPlainMessage(m1b)));
        assertEquals(1, session.attemptCount());
        client.onResPq(r1);

        byte[] m2 = client.reqDhParams(TestClient.Variant.TEMP_DC, TestClient.Padding.RSA_PAD, 2, 100);
        byte[] r2 = send(m2);
        assertArrayEquals(r2, reply(session.onPlainMessage(m2)));
        client.onServerDhParams(r2);

        byte[] m3 = client.setClientDhParams(0);
        PendingKey key = assertInstanceOf(HandshakeStep.StoreKey.class, session.onPlainMessage(m3)).key();
        byte[] r3 = send(session.onKeyStored(key, StoreOutcome.SAVED));
        assertArrayEquals(r3, reply(session.onPlainMessage(m3)));
        client.onDhGenOk(r3);
        // once req_DH_params proved that resPQ arrived, a repeated req_pq opens a new attempt
        assertFalse(java.util.Arrays.equals(r1, reply(session.onPlainMessage(m1))));
    }

    @Test
    void retryReplyRetransmitted() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD);
        byte[] m3 = client.setClientDhParams(0);
        PendingKey key = assertInstanceOf(HandshakeStep.StoreKey.class, session.onPlainMessage(m3)).key();
        byte[] retry = reply(session.onKeyStored(key, StoreOutcome.DUPLICATE_ID));
        assertArrayEquals(retry, reply(session.onPlainMessage(m3)));
    }

    @Test
    void twoInterleavedHandshakes() {
        TestClient a = client;
        TestClient b = newClient(300);
        a.onResPq(send(a.reqPqMulti()));
        b.onResPq(send(b.reqPqLegacy()));
        b.onServerDhParams(send(b.reqDhParams(TestClient.Variant.TEMP_DC, TestClient.Padding.LEGACY, 2, 86400)));
        a.onServerDhParams(send(a.reqDhParams(TestClient.Variant.DC, TestClient.Padding.RSA_PAD, 2, 0)));
        PendingKey ka = assertInstanceOf(HandshakeStep.StoreKey.class, session.onPlainMessage(a.setClientDhParams(0))).key();
        PendingKey kb = assertInstanceOf(HandshakeStep.StoreKey.class, session.onPlainMessage(b.setClientDhParams(0))).key();
        b.onDhGenOk(send(session.onKeyStored(kb, StoreOutcome.SAVED)));
        a.onDhGenOk(send(session.onKeyStored(ka, StoreOutcome.SAVED)));
        assertArrayEquals(a.authKey, ka.authKey().bytes());
        assertArrayEquals(b.authKey, kb.authKey().bytes());
        assertTrue(kb.temporary());
        assertFalse(ka.temporary());
        for (int i = 1; i < replyIds.size(); i++) {
            assertTrue(replyIds.get(i) > replyIds.get(i - 1));
        }
    }

    @Test
    void failureOfOneAttemptLeavesOthersAlive() {
        TestClient b = newClient(301);
        client.onResPq(send(client.reqPqMulti()));
        b.onResPq(send(b.reqPqMulti()));
        byte[] enc = client.encrypt(TestClient.Padding.RSA_PAD, client.innerData(TestClient.Variant.PLAIN, 0, 0));
        assertFails(session.onPlainMessage(client.reqDhParams(client.nonce, client.serverNonce, client.p, client.q,
                Fixtures.OTHER.fingerprint(), enc)), FailureReason.UNKNOWN_FINGERPRINT);
        b.onServerDhParams(send(b.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD, 0, 0)));
    }

    @Test
    void forgottenAfterForgetAfter() {
        step1();
        clock.advance(Duration.ofMinutes(10));
        assertFails(session.onPlainMessage(client.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD, 0, 0)),
                FailureReason.UNKNOWN_ATTEMPT);
        assertEquals(0, session.attemptCount());
    }

    @Test
    void notForgottenJustBeforeForgetAfter() {
        step1();
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        client.onServerDhParams(send(client.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD, 0, 0)));
    }

    @Test
    void storingAttemptForgottenGives404() {
        step2(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD);
        PendingKey key = step3();
        clock.advance(Duration.ofMinutes(11));
        assertFails(session.onKeyStored(key, StoreOutcome.SAVED), FailureReason.UNKNOWN_ATTEMPT);
    }

    @Test
    void explicitExpireAndForgetAll() {
        step1();
        clock.advance(Duration.ofMinutes(20));
        session.expire();
        assertEquals(0, session.attemptCount());
        step1();
        session.forgetAll();
        assertEquals(0, session.attemptCount());
    }

    @Test
    void oldestAttemptEvictedBeyondMax() {
        TestClient first = newClient(400);
        first.onResPq(send(first.reqPqMulti()));
        for (int i = 0; i < 8; i++) {
            TestClient c = newClient(500 + i);
            c.onResPq(send(c.reqPqMulti()));
        }
        assertEquals(8, session.attemptCount());
        assertFails(session.onPlainMessage(first.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD, 0, 0)),
                FailureReason.UNKNOWN_ATTEMPT);
    }

    @Test
    void msgIdsIncreaseEvenWhenClockStandsStillOrGoesBack() {
        long last = 0;
        for (int i = 0; i < 5; i++) {
            if (i == 3) {
                clock.advance(Duration.ofSeconds(-30));
            }
            long id = TestClient.msgIdOf(send(client.reqPqMulti()));
            assertEquals(1, id & 3);
            assertTrue(id > last);
            last = id;
        }
    }

    // ---- framing ------------------------------------------------------------------------------------

    @Test
    void trailingBytesTolerated() {
        byte[] m = client.reqPqMulti();
        byte[] withTail = java.util.Arrays.copyOf(m, m.length + 63 * 4 + 3);
        client.onResPq(send(withTail));
        byte[] m2 = client.reqDhParams(TestClient.Variant.DC, TestClient.Padding.LEGACY, 2, 0);
        byte[] tail2 = java.util.Arrays.copyOf(m2, m2.length + 256);
        java.util.Arrays.fill(tail2, m2.length, tail2.length, (byte) 0x5a);
        client.onServerDhParams(send(tail2));
        byte[] m3 = client.setClientDhParams(0);
        PendingKey key = assertInstanceOf(HandshakeStep.StoreKey.class,
                session.onPlainMessage(java.util.Arrays.copyOf(m3, m3.length + 8))).key();
        client.onDhGenOk(send(session.onKeyStored(key, StoreOutcome.SAVED)));
    }

    @Test
    void malformedHeadersRejected() {
        byte[] good = client.reqPqMulti();
        byte[] badKeyId = good.clone();
        badKeyId[3] = 1;
        byte[] badMsgId = good.clone();
        badMsgId[8] |= 1;
        byte[] zeroMsgId = TestClient.plain(0, java.util.Arrays.copyOfRange(good, 20, good.length));
        byte[] longLen = good.clone();
        HandshakeSession.writeIntLE(longLen, 16, good.length - 20 + 4);
        byte[] negLen = good.clone();
        HandshakeSession.writeIntLE(negLen, 16, -20);
        byte[] oddLen = good.clone();
        HandshakeSession.writeIntLE(oddLen, 16, 18);
        byte[] hugeLen = java.util.Arrays.copyOf(good, 4096);
        HandshakeSession.writeIntLE(hugeLen, 16, 2048);
        for (byte[] m : List.of(badKeyId, badMsgId, zeroMsgId, longLen, negLen, oddLen, hugeLen, new byte[0],
                new byte[23], java.util.Arrays.copyOf(good, 20))) {
            assertFails(session.onPlainMessage(m), FailureReason.MALFORMED_MESSAGE);
        }
        assertFails(session.onPlainMessage(null), FailureReason.MALFORMED_MESSAGE);
        assertEquals(0, session.attemptCount());
    }

    @Test
    void bodyLongerThanObjectOrTruncatedRejected() {
        byte[] body = Tl.serialize(new io.mtgate.tl.mtproto.ReqPqMulti(new byte[16]));
        byte[] longer = java.util.Arrays.copyOf(body, body.length + 4);
        assertFails(session.onPlainMessage(TestClient.plain(4, longer)), FailureReason.UNEXPECTED_REQUEST);
        byte[] shorter = java.util.Arrays.copyOf(body, body.length - 4);
        assertFails(session.onPlainMessage(TestClient.plain(4, shorter)), FailureReason.UNEXPECTED_REQUEST);
    }

    @Test
    void nonHandshakeConstructorsRejected() {
        byte[] ping = Tl.serialize(new Ping(42));
        assertFails(session.onPlainMessage(TestClient.plain(4, ping)), FailureReason.UNEXPECTED_REQUEST);
    }

    @Test
    void garbageNeverThrows() {
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] g = new byte[r.nextInt(600)];
            r.nextBytes(g);
            if (g.length >= 20 && r.nextBoolean()) {
                java.util.Arrays.fill(g, 0, 8, (byte) 0);
                g[8] &= (byte) 0xfc;
                HandshakeSession.writeIntLE(g, 16, (g.length - 20) & ~3);
                int[] ids = {0xbe7e8ef1, 0x60469778, 0xd712e4be, 0xf5045f1f};
                if (g.length >= 24) {
                    HandshakeSession.writeIntLE(g, 20, ids[r.nextInt(4)]);
                }
            }
            HandshakeStep s = session.onPlainMessage(g);
            assertTrue(s instanceof HandshakeStep.Reply || s instanceof HandshakeStep.Failure);
        }
    }

    @Test
    void failureInstancesAreSharedConstants() {
        HandshakeStep a = session.onPlainMessage(new byte[1]);
        HandshakeStep b = session.onPlainMessage(new byte[2]);
        assertSame(a, b);
        assertEquals(-404, ((HandshakeStep.Failure) a).transportErrorCode());
    }
}
