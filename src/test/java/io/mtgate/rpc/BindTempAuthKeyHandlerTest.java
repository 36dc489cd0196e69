package io.mtgate.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtgate.authkey.AuthKeyType;
import io.mtgate.authkey.InMemoryAuthKeyStore;
import io.mtgate.authkey.InMemoryTempKeyBindings;
import io.mtgate.authkey.StoredAuthKey;
import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.crypto.MtprotoKdf;
import io.mtgate.rpc.RpcTestSupport.TestClock;
import io.mtgate.rpc.builtin.BindTempAuthKeyHandler;
import io.mtgate.session.SessionKey;
import io.mtgate.tl.api.l228.AuthBindTempAuthKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** auth.bindTempAuthKey: checklist A.13 and each of the seven checks of 2.10. */
class BindTempAuthKeyHandlerTest {
    static final HexFormat HEX = HexFormat.of();
    // Appendix A.13
    static final byte[] PERM_BODY = new byte[256];
    static {
        for (int i = 0; i < 256; i++) {
            PERM_BODY[i] = (byte) (255 - i);
        }
    }
    static final long PERM_ID = ByteBuffer.wrap(HEX.parseHex("96d1b10e8f724a13")).order(ByteOrder.LITTLE_ENDIAN)
            .getLong();
    static final long MSG_ID = 0x6777E5EB00000004L;
    static final long NONCE = 0x0001020304050607L;
    static final long TEMP_ID = 0x0011223344556677L;
    static final long TEMP_SESSION = 0x0010203040506070L;
    static final int EXPIRES_AT = 1735689600;
    static final byte[] A13_ENCRYPTED = HEX.parseHex(
            "96d1b10e8f724a130e8566a0878be4b5982a567d80f3a36f7bd8cb19f632b59a"
            + "7c556f60c8faed75aeba0c65365c9a99dbcf09e07ac09e5f37ea6d4cf8ddfdac"
            + "32b9d290f1ae0d652d904f63534251403950f8a5d59ffde76cf0ae62ae9f21e0"
            + "3a6765b3deee1ceb");

    final TestClock clock = new TestClock(Instant.ofEpochSecond(EXPIRES_AT).minus(Duration.ofHours(12)));
    final InMemoryAuthKeyStore store = new InMemoryAuthKeyStore(clock, 100);
    final InMemoryTempKeyBindings bindings = new InMemoryTempKeyBindings(clock, 100);
    final BindTempAuthKeyHandler handler = new BindTempAuthKeyHandler(store, bindings, clock);
    final SessionKey temp = new SessionKey(new AuthKeyId(TEMP_ID), AuthKeyType.TEMPORARY,
            Instant.ofEpochSecond(EXPIRES_AT));

    @BeforeEach
    void savePermanentKey() {
        store.save(StoredAuthKey.permanent(new AuthKeyId(PERM_ID), PERM_BODY, clock.instant()));
    }

    static RpcContext ctx(SessionKey key, long msgId, long sessionId) {
        return new RpcContext(key, null, sessionId, msgId, ApiLayer.L228, 228, null, null, InvokeOptions.NONE);
    }

    RpcContext ctx() {
        return ctx(temp, MSG_ID, TEMP_SESSION);
    }

    static AuthBindTempAuthKey request(long permId, long nonce, int expiresAt, byte[] encrypted) {
        return new AuthBindTempAuthKey(permId, nonce, expiresAt, encrypted);
    }

    static AuthBindTempAuthKey a13() {
        return request(PERM_ID, NONCE, EXPIRES_AT, A13_ENCRYPTED);
    }

    Object bind(RpcContext ctx, AuthBindTempAuthKey request) {
        try {
            return handler.handle(ctx, request).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    void assertRefused(RpcContext ctx, AuthBindTempAuthKey request, RpcError error) {
        assertThatThrownBy(() -> bind(ctx, request)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.error()).isEqualTo(error));
        assertThat(bindings.permanentFor(ctx.authKeyId())).isEmpty();
    }

    /** The client side: a bind_auth_key_inner message encrypted as in A.13 (8 bytes of 0xCD padding). */
    static byte[] encrypt(byte[] permBody, long permId, long msgId, int seqno, int msgLen, int constructor, long nonce,
            long tempId, long innerPermId, long tempSession, int expiresAt) {
        ByteBuffer p = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            p.put((byte) 0xcd);
        }
        p.putLong(msgId).putInt(seqno).putInt(msgLen).putInt(constructor).putLong(nonce).putLong(tempId)
                .putLong(innerPermId).putLong(tempSession).putInt(expiresAt);
        while (p.hasRemaining()) {
            p.put((byte) 0xcd);
        }
        byte[] plain = p.array();
        byte[] msgKey = MtprotoKdf.msgKeyV1(plain, 0, 72);
        MtprotoKdf.KeyIv kv = MtprotoKdf.v1(permBody, msgKey, 0);
        byte[] cipher = AesIge.encrypt(kv.key(), kv.iv(), plain);
        return ByteBuffer.allocate(24 + cipher.length).order(ByteOrder.LITTLE_ENDIAN).putLong(permId).put(msgKey)
                .put(cipher).array();
    }

    static byte[] valid() {
        return encrypt(PERM_BODY, PERM_ID, MSG_ID, 0, 40, 0x75a3f765, NONCE, TEMP_ID, PERM_ID, TEMP_SESSION, EXPIRES_AT);
    }

    @Test
    void theVectorKeyIdAndTheTestEncryptorMatchA13() {
        assertThat(new AuthKey(PERM_BODY).id().value()).isEqualTo(PERM_ID);
        assertThat(valid()).isEqualTo(A13_ENCRYPTED);
    }

    @Test
    void vectorA13Binds() {
        assertThat(bind(ctx(), a13())).isEqualTo(TlBool.TRUE);
        assertThat(bindings.permanentFor(temp.id())).contains(new AuthKeyId(PERM_ID));
        // the binding ends with the temporary key
        clock.advance(Duration.ofHours(12));
        assertThat(bindings.permanentFor(temp.id())).isEmpty();
    }

    @Test
    void check1OnlyATemporaryKeyIsBound() {
        assertRefused(ctx(SessionKey.permanent(new AuthKeyId(TEMP_ID)), MSG_ID, TEMP_SESSION), a13(),
                BindTempAuthKeyHandler.TEMP_AUTH_KEY_EMPTY);
    }

    @Test
    void check2PermanentKeyIdAndLength() {
        RpcError invalid = BindTempAuthKeyHandler.ENCRYPTED_MESSAGE_INVALID;
        assertRefused(ctx(), request(PERM_ID + 1, NONCE, EXPIRES_AT, A13_ENCRYPTED), invalid);
        assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT, Arrays.copyOf(A13_ENCRYPTED, 88)), invalid);
        assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT, Arrays.copyOf(A13_ENCRYPTED, 100)), invalid);
        byte[] longer = Arrays.copyOf(A13_ENCRYPTED, A13_ENCRYPTED.length + 16); // padding of 24 > 15
        assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT, longer), invalid);
        store.delete(new AuthKeyId(PERM_ID));
        assertRefused(ctx(), a13(), invalid);
    }

    @Test
    void check2ATemporaryKeyIsNotAPermanentOne() {
        // a live temporary key with the claimed id is not a permanent key
        store.delete(new AuthKeyId(PERM_ID));
        store.save(StoredAuthKey.temporary(new AuthKeyId(PERM_ID), PERM_BODY, AuthKeyType.TEMPORARY, clock.instant(),
                clock.instant().plusSeconds(60)));
        assertRefused(ctx(), a13(), BindTempAuthKeyHandler.ENCRYPTED_MESSAGE_INVALID);
    }

    @Test
    void check3MsgKeyAndCiphertext() {
        for (int at : new int[] {8, 23, 24, 60, 103}) {
            byte[] bad = A13_ENCRYPTED.clone();
            bad[at] ^= 0x40;
            assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT, bad), BindTempAuthKeyHandler.ENCRYPTED_MESSAGE_INVALID);
        }
        byte[] wrongKey = PERM_BODY.clone();
        wrongKey[100] ^= 1;
        assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT, encrypt(wrongKey, PERM_ID, MSG_ID, 0, 40, 0x75a3f765,
                NONCE, TEMP_ID, PERM_ID, TEMP_SESSION, EXPIRES_AT)), BindTempAuthKeyHandler.ENCRYPTED_MESSAGE_INVALID);
    }

    @Test
    void check4InnerHeader() {
        RpcError invalid = BindTempAuthKeyHandler.ENCRYPTED_MESSAGE_INVALID;
        assertRefused(ctx(temp, MSG_ID + 4, TEMP_SESSION), a13(), invalid);
        assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT, encrypt(PERM_BODY, PERM_ID, MSG_ID, 1, 40, 0x75a3f765,
                NONCE, TEMP_ID, PERM_ID, TEMP_SESSION, EXPIRES_AT)), invalid);
        assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT, encrypt(PERM_BODY, PERM_ID, MSG_ID, 0, 36, 0x75a3f765,
                NONCE, TEMP_ID, PERM_ID, TEMP_SESSION, EXPIRES_AT)), invalid);
        assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT, encrypt(PERM_BODY, PERM_ID, MSG_ID, 0, 40, 0x75a3f766,
                NONCE, TEMP_ID, PERM_ID, TEMP_SESSION, EXPIRES_AT)), invalid);
    }

    @Test
    void check5InnerFieldsEqualTheOuterOnes() {
        RpcError invalid = BindTempAuthKeyHandler.ENCRYPTED_MESSAGE_INVALID;
        assertRefused(ctx(), request(PERM_ID, NONCE + 1, EXPIRES_AT, A13_ENCRYPTED), invalid);
        assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT - 1, A13_ENCRYPTED), invalid);
        assertRefused(ctx(temp, MSG_ID, TEMP_SESSION + 1), a13(), invalid);
        SessionKey otherTemp = new SessionKey(new AuthKeyId(TEMP_ID + 1), AuthKeyType.TEMPORARY, temp.expiresAt());
        assertRefused(ctx(otherTemp, MSG_ID, TEMP_SESSION), a13(), invalid);
        assertRefused(ctx(), request(PERM_ID, NONCE, EXPIRES_AT, encrypt(PERM_BODY, PERM_ID, MSG_ID, 0, 40, 0x75a3f765,
                NONCE, TEMP_ID, PERM_ID + 1, TEMP_SESSION, EXPIRES_AT)), invalid);
    }

    @Test
    void check6ExpiresAtInThePastOrBeyondTheKey() {
        clock.advance(Duration.ofHours(12)); // now == expires_at
        assertRefused(ctx(), a13(), BindTempAuthKeyHandler.EXPIRES_AT_INVALID);
    }

    @Test
    void check6ExpiresAtBeyondTheTemporaryKeysLife() {
        SessionKey shortLived = new SessionKey(temp.id(), AuthKeyType.TEMPORARY,
                Instant.ofEpochSecond(EXPIRES_AT).minus(Duration.ofMinutes(10)));
        assertRefused(ctx(shortLived, MSG_ID, TEMP_SESSION), a13(), BindTempAuthKeyHandler.EXPIRES_AT_INVALID);
        // within the clock tolerance: accepted, bound until the key's own expiry
        SessionKey almost = new SessionKey(temp.id(), AuthKeyType.TEMPORARY,
                Instant.ofEpochSecond(EXPIRES_AT).minus(Duration.ofSeconds(30)));
        assertThat(bind(ctx(almost, MSG_ID, TEMP_SESSION), a13())).isEqualTo(TlBool.TRUE);
        clock.advance(Duration.ofHours(12).minusSeconds(30));
        assertThat(bindings.permanentFor(temp.id())).isEmpty();
    }

    @Test
    void check7BoundToAnotherPermanentKey() {
        bindings.bind(temp.id(), new AuthKeyId(999), clock.instant().plusSeconds(600));
        assertThatThrownBy(() -> bind(ctx(), a13())).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.error()).isEqualTo(BindTempAuthKeyHandler.TEMP_AUTH_KEY_ALREADY_BOUND));
        assertThat(bindings.permanentFor(temp.id())).contains(new AuthKeyId(999));
    }

    @Test
    void bindingAgainToTheSamePermanentKeySucceeds() {
        assertThat(bind(ctx(), a13())).isEqualTo(TlBool.TRUE);
        assertThat(bind(ctx(), a13())).isEqualTo(TlBool.TRUE);
        assertThat(bindings.permanentFor(temp.id())).contains(new AuthKeyId(PERM_ID));
    }

    @Test
    void aNewTemporaryKeyReplacesTheOldBinding() {
        AuthKeyId older = new AuthKeyId(4242);
        bindings.bind(older, new AuthKeyId(PERM_ID), clock.instant().plusSeconds(600));
        assertThat(bind(ctx(), a13())).isEqualTo(TlBool.TRUE);
        assertThat(bindings.permanentFor(temp.id())).contains(new AuthKeyId(PERM_ID));
        assertThat(bindings.permanentFor(older)).isEmpty();
    }

    @Test
    void throughTheDispatcherTheTemporaryKeyThenActsForThePermanentOne() throws Exception {
        var executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var seen = new java.util.concurrent.atomic.AtomicReference<RpcContext>();
            RpcMethodHandler dialogs = RpcDispatcherTest.handler(RpcDispatcherTest.GET_DIALOGS,
                    RpcMethodHandler.Execution.NON_BLOCKING, (c, q) -> {
                        seen.set(c);
                        return java.util.concurrent.CompletableFuture.completedFuture(TlBool.TRUE);
                    });
            RpcDispatcher d = new RpcDispatcher(RpcHandlers.of(java.util.List.of(handler, dialogs)),
                    (c, q) -> java.util.Optional.empty(), bindings,
                    new ClientLayers(new RpcTestSupport.MapAuthsRepository(), executor, clock, 10, Duration.ofHours(1)),
                    executor, RpcSettings.DEFAULTS);
            RpcTestSupport.FakeSession session = new RpcTestSupport.FakeSession();
            RpcTestSupport.Reply before = new RpcTestSupport.Reply();
            d.invoke(new io.mtgate.session.RpcCall(temp, TEMP_SESSION, MSG_ID - 4, io.mtgate.tl.Tl.serialize(
                    new io.mtgate.tl.api.l228.InvokeWithLayer(228, RpcDispatcherTest.DIALOGS)), null, session), before);
            assertThat(before.error()).contains(RpcTestSupport.err(401, "AUTH_KEY_PERM_EMPTY"));

            RpcTestSupport.Reply bound = new RpcTestSupport.Reply();
            d.invoke(new io.mtgate.session.RpcCall(temp, TEMP_SESSION, MSG_ID, io.mtgate.tl.Tl.serialize(a13()), null,
                    session), bound);
            assertThat(bound.get()).isEqualTo(io.mtgate.tl.Tl.serialize(TlBool.TRUE));

            RpcTestSupport.Reply after = new RpcTestSupport.Reply();
            d.invoke(new io.mtgate.session.RpcCall(temp, TEMP_SESSION, MSG_ID + 4, io.mtgate.tl.Tl.serialize(
                    RpcDispatcherTest.DIALOGS), null, session), after);
            assertThat(after.error()).isEmpty();
            assertThat(seen.get().permanentKey()).contains(new AuthKeyId(PERM_ID));
        } finally {
            executor.shutdownNow();
        }
    }
}
