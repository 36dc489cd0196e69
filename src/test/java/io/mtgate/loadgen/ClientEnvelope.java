package io.mtgate.loadgen;

import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.ConstantTime;
import io.mtgate.crypto.MessageCrypto;
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
    private final byte[] mkl = new byte[32];
    private final byte[] msgKey = new byte[16];

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
        byte[] packet = new byte[24 + pLen];
        LONG_LE.set(packet, 0, keyId);
        int p = 24;
        LONG_LE.set(packet, p, salt);
        LONG_LE.set(packet, p + 8, sessionId);
        LONG_LE.set(packet, p + 16, msgId);
        INT_LE.set(packet, p + 24, seqno);
        INT_LE.set(packet, p + 28, bodyLen);
        System.arraycopy(body, 0, packet, p + 32, bodyLen);
        for (int i = p + unpadded; i < packet.length; i++) {
            packet[i] = (byte) random.nextInt();
        }
        // one native call where the server has it too (SHA-NI + AES-NI), so that the generator
        // does not take CPU the server could use for the same work
        MessageCrypto.encryptFromClient(key, packet, 0, packet.length, mkl);
        out.writeIntLE(packet.length);
        out.writeBytes(packet);
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
        System.arraycopy(packet, 8, msgKey, 0, 16);
        MessageCrypto.decryptFromServer(key, packet, 0, packet.length, mkl);
        return ConstantTime.equals(msgKey, 0, mkl, 8, 16) ? 24 : -1;
    }
}
