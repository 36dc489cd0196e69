package io.mtgate.rpc.builtin;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.AuthKeyType;
import io.mtgate.authkey.StoredAuthKey;
import io.mtgate.authkey.TempKeyBindings;
import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.crypto.ConstantTime;
import io.mtgate.crypto.MtprotoKdf;
import io.mtgate.rpc.BuiltInRpcHandler;
import io.mtgate.rpc.RpcContext;
import io.mtgate.rpc.RpcError;
import io.mtgate.rpc.RpcException;
import io.mtgate.rpc.TlBool;
import io.mtgate.session.SessionKey;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlFunction;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.TlReader;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auth.bindTempAuthKey#cdd42a05 perm_auth_key_id nonce expires_at encrypted_message = Bool}
 * (checklist 2.10): binds the temporary key the query arrived with to a permanent key, after the
 * seven checks, in this order:
 * <ol>
 *   <li>the query arrived on a temporary key, else {@code 400 TEMP_AUTH_KEY_EMPTY};</li>
 *   <li>{@code encrypted_message[0..8)} is {@code perm_auth_key_id}, a live permanent key with that
 *       id exists, the ciphertext is 80 bytes (72-byte message + 8 bytes of padding; the padding
 *       must be 0..15 and the length a multiple of 16);</li>
 *   <li>the MTProto 1.0 msg_key (SHA1 of the 72 unpadded bytes, {@code msg_len} = 40 delimits them)
 *       matches, compared in constant time;</li>
 *   <li>inner msg_id = the query's msg_id, seqno = 0, msg_len = 40, constructor
 *       {@code bind_auth_key_inner#75a3f765};</li>
 *   <li>inner nonce, temp_auth_key_id (the arriving key), perm_auth_key_id, temp_session_id (the
 *       query's session) and expires_at equal the outer ones;</li>
 *   <li>{@code expires_at} is in the future and not after the temporary key's own expiry plus
 *       {@link #EXPIRES_AT_TOLERANCE} (the client computed it with its own clock), else
 *       {@code 400 EXPIRES_AT_INVALID};</li>
 *   <li>the temporary key is not bound to a different permanent key, else
 *       {@code 400 TEMP_AUTH_KEY_ALREADY_BOUND} (binding again to the same key succeeds).</li>
 * </ol>
 * Any failure of 2–5 is {@code 400 ENCRYPTED_MESSAGE_INVALID}. The binding lasts until the earlier
 * of {@code expires_at} and the temporary key's expiry, and replaces the permanent key's previous
 * temporary key. Blocking: reads the permanent key from the {@link AuthKeyStore}. Never logs key
 * material; the decrypted copy of the permanent key is wiped after use.
 */
public final class BindTempAuthKeyHandler implements BuiltInRpcHandler {
    private static final Logger log = LoggerFactory.getLogger(BindTempAuthKeyHandler.class);

    public static final int METHOD = 0xcdd42a05;
    public static final int BIND_AUTH_KEY_INNER = 0x75a3f765;
    /** Clock difference allowed between the client's expires_at and the key's expiry. */
    public static final Duration EXPIRES_AT_TOLERANCE = Duration.ofMinutes(2);

    public static final RpcError ENCRYPTED_MESSAGE_INVALID = new RpcError(400, "ENCRYPTED_MESSAGE_INVALID");
    public static final RpcError EXPIRES_AT_INVALID = new RpcError(400, "EXPIRES_AT_INVALID");
    public static final RpcError TEMP_AUTH_KEY_ALREADY_BOUND = new RpcError(400, "TEMP_AUTH_KEY_ALREADY_BOUND");
    public static final RpcError TEMP_AUTH_KEY_EMPTY = new RpcError(400, "TEMP_AUTH_KEY_EMPTY");

    private static final int HEADER = 24; // perm_auth_key_id(8) + msg_key(16)
    private static final int MESSAGE = 72; // random(16) msg_id(8) seqno(4) msg_len(4) + inner(40)
    private static final int INNER_LENGTH = 40;

    private final AuthKeyStore store;
    private final TempKeyBindings bindings;
    private final InstantSource clock;

    public BindTempAuthKeyHandler(AuthKeyStore store, TempKeyBindings bindings, InstantSource clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.bindings = Objects.requireNonNull(bindings, "bindings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Set<Integer> methods() {
        return Set.of(METHOD);
    }

    @Override
    public CompletionStage<TlObject> handle(RpcContext ctx, TlFunction request) {
        return CompletableFuture.completedFuture(bind(ctx, Args.of(request)));
    }

    /** The arguments, read from the request's bytes: the same in every layer, one parser for all. */
    record Args(long permAuthKeyId, long nonce, int expiresAt, byte[] encryptedMessage) {
        static Args of(TlFunction request) {
            if (request.constructorId() != METHOD) {
                throw new IllegalArgumentException("not auth.bindTempAuthKey");
            }
            TlReader r = new TlReader(Unpooled.wrappedBuffer(Tl.serialize(request)), TlLimits.DEFAULT, null);
            r.readInt();
            return new Args(r.readLong(), r.readLong(), r.readInt(), r.readBytes());
        }
    }

    private TlObject bind(RpcContext ctx, Args a) {
        SessionKey key = ctx.key();
        // 1. only a temporary key can be bound
        if (!key.temporary()) {
            throw new RpcException(TEMP_AUTH_KEY_EMPTY);
        }
        // 2. envelope and the permanent key
        byte[] em = a.encryptedMessage();
        int cipherLength = em.length - HEADER;
        if (cipherLength < MESSAGE || cipherLength % 16 != 0 || cipherLength - MESSAGE > 15) {
            throw invalid("encrypted_message length " + em.length);
        }
        if (le64(em, 0) != a.permAuthKeyId() || a.permAuthKeyId() == key.id().value()) {
            throw invalid("perm_auth_key_id differs from encrypted_message");
        }
        AuthKeyId permId = new AuthKeyId(a.permAuthKeyId());
        Optional<StoredAuthKey> perm = permId.value() == 0 ? Optional.empty()
                : store.find(permId).filter(k -> k.type() == AuthKeyType.PERMANENT);
        if (perm.isEmpty()) {
            throw invalid("no permanent key");
        }
        // 3. decrypt (MTProto 1.0, x = 0) and check msg_key over the unpadded message
        byte[] msgKey = Arrays.copyOfRange(em, 8, HEADER);
        byte[] plain;
        byte[] body = perm.get().body();
        try {
            MtprotoKdf.KeyIv kv = MtprotoKdf.v1(body, msgKey, 0);
            plain = new byte[cipherLength];
            AesIge.decrypt(kv.key(), kv.iv(), em, HEADER, cipherLength, plain, 0);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
        int msgLen = le32(plain, 28);
        boolean keyOk = ConstantTime.equals(MtprotoKdf.msgKeyV1(plain, 0, MESSAGE), msgKey);
        if (!keyOk | msgLen != INNER_LENGTH) {
            throw invalid("msg_key or msg_len");
        }
        // 4. inner message header
        if (le64(plain, 16) != ctx.msgId() || le32(plain, 24) != 0
                || le32(plain, 32) != BIND_AUTH_KEY_INNER) {
            throw invalid("msg_id, seqno or constructor");
        }
        // 5. inner fields equal the outer ones
        if (le64(plain, 36) != a.nonce() || le64(plain, 44) != key.id().value()
                || le64(plain, 52) != a.permAuthKeyId() || le64(plain, 60) != ctx.sessionId()
                || le32(plain, 68) != a.expiresAt()) {
            throw invalid("inner fields");
        }
        // 6. expires_at plausible
        Instant expiresAt = Instant.ofEpochSecond(Integer.toUnsignedLong(a.expiresAt()));
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)
                || (key.expiresAt() != null && expiresAt.isAfter(key.expiresAt().plus(EXPIRES_AT_TOLERANCE)))) {
            throw new RpcException(EXPIRES_AT_INVALID);
        }
        // 7. not bound to another permanent key
        Optional<AuthKeyId> current = bindings.permanentFor(key.id());
        if (current.isPresent() && !current.get().equals(permId)) {
            throw new RpcException(TEMP_AUTH_KEY_ALREADY_BOUND);
        }
        Instant until = key.expiresAt() != null && key.expiresAt().isBefore(expiresAt) ? key.expiresAt() : expiresAt;
        Optional<AuthKeyId> replaced = bindings.bind(key.id(), permId, until);
        replaced.ifPresent(r -> log.debug("temporary key {} unbound: {} bound to permanent key {}", r, key.id(), permId));
        return TlBool.TRUE;
    }

    private static long le64(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
    }

    private static int le32(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }

    private static RpcException invalid(String why) {
        log.debug("auth.bindTempAuthKey refused: {}", why);
        return new RpcException(ENCRYPTED_MESSAGE_INVALID);
    }
}
