package io.mtgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.authkey.TempKeyBindings;
import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.crypto.MtprotoKdf;
import io.mtgate.handshake.TestClient.Variant;
import io.mtgate.tl.Tl;
import io.mtgate.tl.api.l228.AuthBindTempAuthKey;
import io.mtgate.tl.api.l228.HelpGetAppConfig;
import io.mtgate.tl.api.l228.HelpGetConfig;
import io.mtgate.tl.api.l228.InvokeWithLayer;
import io.mtgate.tl.mtproto.DestroyAuthKey;
import io.mtgate.tl.mtproto.DestroyAuthKeyOk;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * PFS over real sockets (checklist 2.10): a temporary key bound with {@code auth.bindTempAuthKey}
 * acts for its permanent key until that permanent key is destroyed ({@code destroy_auth_key} on its
 * own connection); from then on the temporary key is unbound again.
 */
class PfsBindingOverWireTest extends GatewayE2eBase {
    static final int RPC_RESULT = 0xf35c6d01;
    static final int RPC_ERROR = 0x2144ca19;
    static final int BOOL_TRUE = 0x997275b5;
    static final String PERM_EMPTY = "401 AUTH_KEY_PERM_EMPTY";

    @Autowired
    TempKeyBindings bindings;

    @Test
    void destroyingThePermanentKeyUnbindsTheTemporaryKeyBoundToIt() {
        WireClient permWire = intermediate();
        WireHandshake permHs = handshakeOn(permWire);
        AuthKeyId permId = permHs.runPermanent();
        WireSession perm = new WireSession(permWire, permHs.authKey(), permHs.expectedInitialSalt());

        WireClient tempWire = intermediate();
        WireHandshake tempHs = handshakeOn(tempWire);
        AuthKeyId tempId = tempHs.run(Variant.TEMP_DC, DC, 3600);
        WireSession temp = new WireSession(tempWire, tempHs.authKey(), tempHs.expectedInitialSalt());

        assertThat(error(call(temp, new HelpGetAppConfig(0)))).as("unbound").isEqualTo(PERM_EMPTY);

        int expiresAt = Math.toIntExact(clock.instant().getEpochSecond() + 600);
        long msgId = temp.nextMsgId();
        byte[] encrypted = bindAuthKeyInner(perm.key.bytes(), permId.value(), msgId, tempId.value(), temp.sessionId,
                expiresAt);
        byte[] bound = call(temp, msgId, new AuthBindTempAuthKey(permId.value(), 0x0102030405060708L, expiresAt,
                encrypted));
        assertThat(constructor(bound)).as("auth.bindTempAuthKey answers boolTrue").isEqualTo(BOOL_TRUE);
        assertThat(bindings.permanentFor(tempId)).contains(permId);
        // bound: the temporary key passes the PFS check (no handler serves help.getAppConfig here)
        assertThat(error(call(temp, new HelpGetAppConfig(0)))).as("bound").isNotEqualTo(PERM_EMPTY);

        perm.send(new DestroyAuthKey(), false);
        assertThat(perm.await(DestroyAuthKeyOk.CONSTRUCTOR_ID, new ArrayList<>()).decoded())
                .isEqualTo(new DestroyAuthKeyOk());

        // destroy_auth_key_ok is sent once the binding is gone: no wait needed
        assertThat(bindings.permanentFor(tempId)).isEmpty();
        assertThat(error(call(temp, new HelpGetAppConfig(0)))).as("after the permanent key's destruction")
                .isEqualTo(PERM_EMPTY);
        byte[] config = call(temp, new HelpGetConfig());
        assertThat(error(config)).as("help.getConfig still allowed").isNull();
    }

    private static byte[] call(WireSession s, io.mtgate.tl.TlFunction query) {
        return call(s, s.nextMsgId(), query);
    }

    /** Sends {@code query} (in layer 228) as message {@code msgId}; returns the result of its rpc_result. */
    private static byte[] call(WireSession s, long msgId, io.mtgate.tl.TlFunction query) {
        s.sendAs(msgId, s.nextSeqno(true), Tl.serialize(new InvokeWithLayer(228, query)), false);
        while (true) {
            WireSession.Message m = s.await(RPC_RESULT, new ArrayList<>());
            if (m.reqMsgId() == msgId) {
                return Arrays.copyOfRange(m.body(), 12, m.body().length);
            }
        }
    }

    private static int constructor(byte[] result) {
        return ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    /** "code MESSAGE" of an rpc_error, null for any other result. */
    private static String error(byte[] result) {
        if (constructor(result) != RPC_ERROR) {
            return null;
        }
        int code = ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        int length = result[8] & 0xff; // short TL string
        return code + " " + new String(result, 9, length, StandardCharsets.US_ASCII);
    }

    /** The client's bind_auth_key_inner, encrypted with the permanent key (MTProto 1.0). */
    private static byte[] bindAuthKeyInner(byte[] permBody, long permId, long msgId, long tempId, long tempSession,
            int expiresAt) {
        ByteBuffer p = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
        p.put(new byte[16]); // random
        p.putLong(msgId).putInt(0).putInt(40).putInt(0x75a3f765).putLong(0x0102030405060708L).putLong(tempId)
                .putLong(permId).putLong(tempSession).putInt(expiresAt);
        byte[] plain = p.array(); // the last 8 bytes: padding
        byte[] msgKey = MtprotoKdf.msgKeyV1(plain, 0, 72);
        MtprotoKdf.KeyIv kv = MtprotoKdf.v1(permBody, msgKey, 0);
        byte[] cipher = AesIge.encrypt(kv.key(), kv.iv(), plain);
        return ByteBuffer.allocate(24 + cipher.length).order(ByteOrder.LITTLE_ENDIAN).putLong(permId).put(msgKey)
                .put(cipher).array();
    }
}
