package io.mtgate.loadgen;

import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.ConstantTime;
import io.mtgate.crypto.MtprotoKdf;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * The client's side of the MTProto 2.0 envelope for the load generator: encrypts with x = 0,
 * decrypts server packets with x = 8 and checks their msg_key, like a real client. Not thread-safe
 * (one per connection, used on its event loop).
 */
final class ClientEnvelope {
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    final byte[] key;
    final long keyId;

    ClientEnvelope(byte[] key256) {
        this.key = key256;
        this.keyId = new AuthKey(key256).id().value();
    }

    /**
     * Writes one intermediate-transport frame {@code len(4, LE) | auth_key_id | msg_key | IGE(...)}
     * carrying {@code body} to {@code out}.
     */
    void writeFrame(ByteBuf out, long salt, long sessionId, long msgId, int seqno, byte[] body, int bodyLen,
                    SplittableRandom random) {
        int unpadded = 32 + bodyLen;
        int padding = 12 + (-(unpadded + 12) & 15);
        int pLen = unpadded + padding;
        byte[] p = new byte[pLen];
        LONG_LE.set(p, 0, salt);
        LONG_LE.set(p, 8, sessionId);
        LONG_LE.set(p, 16, msgId);
        INT_LE.set(p, 24, seqno);
        INT_LE.set(p, 28, bodyLen);
        System.arraycopy(body, 0, p, 32, bodyLen);
        for (int i = unpadded; i < pLen; i++) {
            p[i] = (byte) random.nextInt();
        }
        byte[] msgKey = MtprotoKdf.msgKey(key, 0, p, 0, pLen);
        MtprotoKdf.KeyIv kv = MtprotoKdf.v2(key, msgKey, 0);
        AesIge.encrypt(kv.key(), kv.iv(), p, 0, pLen, p, 0);
        out.writeIntLE(24 + pLen);
        out.writeLongLE(keyId);
        out.writeBytes(msgKey);
        out.writeBytes(p);
    }

    /**
     * Decrypts a server packet in place ({@code packet} = auth_key_id | msg_key | ciphertext).
     *
     * @return the offset of the plaintext (24), or -1 if the key id or msg_key is wrong
     */
    int decrypt(byte[] packet) {
        if (packet.length < 72 || ((packet.length - 24) & 15) != 0 || (long) LONG_LE.get(packet, 0) != keyId) {
            return -1;
        }
        byte[] msgKey = java.util.Arrays.copyOfRange(packet, 8, 24);
        MtprotoKdf.KeyIv kv = MtprotoKdf.v2(key, msgKey, 8);
        AesIge.decrypt(kv.key(), kv.iv(), packet, 24, packet.length - 24, packet, 24);
        byte[] check = MtprotoKdf.msgKey(key, 8, packet, 24, packet.length - 24);
        return ConstantTime.equals(check, msgKey) ? 24 : -1;
    }
}
