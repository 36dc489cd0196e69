package io.mtgate.drill;

import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.TestClient;
import io.mtgate.session.ClientView;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.mtproto.BadServerSalt;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import io.mtgate.tl.mtproto.Schema;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A blocking MTProto client on one intermediate-transport connection, for the restart drills: a
 * permanent-key handshake with the handshake tests' {@link TestClient} (which checks every server
 * answer like a careful client), and an encrypted ping with a given key.
 */
final class DrillClient implements AutoCloseable {
    /** What a server frame of exactly 4 bytes is: a transport error code (-404: unknown key). */
    static final class TransportError extends RuntimeException {
        final int code;

        TransportError(int code) {
            super("transport error " + code);
            this.code = code;
        }
    }

    /** Where a handshake got to; {@code acknowledged} means the client has dh_gen_ok in hand. */
    enum Stage { CONNECTING, REQ_PQ, REQ_DH, SET_CLIENT_DH, ACKNOWLEDGED }

    private static final int MSG_CONTAINER = 0x73f1f8dc;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    DrillClient(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write(new byte[] {(byte) 0xee, (byte) 0xee, (byte) 0xee, (byte) 0xee});
    }

    void send(byte[] payload) throws IOException {
        byte[] frame = ByteBuffer.allocate(4 + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(payload.length).put(payload).array();
        out.write(frame);
        out.flush();
    }

    /** The next payload; a 4-byte one is thrown as {@link TransportError}. */
    byte[] receive() throws IOException {
        byte[] len = new byte[4];
        in.readFully(len);
        int n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (n < 4 || n > (1 << 20)) {
            throw new IOException("bad frame length " + n);
        }
        byte[] payload = new byte[n];
        in.readFully(payload);
        if (n == 4) {
            throw new TransportError(ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt());
        }
        return payload;
    }

    /**
     * One permanent-key handshake; {@code stage[0]} is advanced before each request goes out, so a
     * caller that sees an exception knows how far the server got. Returns the client's TestClient
     * (auth key and initial salt in it) once dh_gen_ok has been received and checked.
     */
    TestClient handshake(RsaKey rsa, Stage[] stage) throws IOException {
        TestClient c = new TestClient(RANDOM, rsa.modulus(), rsa.publicExponent(), rsa.fingerprint());
        stage[0] = Stage.REQ_PQ;
        send(c.reqPqMulti());
        c.onResPq(receive());
        stage[0] = Stage.REQ_DH;
        send(c.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD, 0, 0));
        c.onServerDhParams(receive());
        byte[] setClientDh = c.setClientDhParams(0);
        stage[0] = Stage.SET_CLIENT_DH;
        send(setClientDh);
        c.onDhGenOk(receive());
        stage[0] = Stage.ACKNOWLEDGED;
        return c;
    }

    /**
     * An encrypted ping with {@code key} in a new session; follows bad_server_salt (the client does
     * not know the restarted server's current salt). Returns the number of bad_server_salt seen.
     * Throws {@link TransportError} if the server does not know the key (-404).
     */
    int ping(byte[] key, long salt) throws IOException {
        AuthKey authKey = new AuthKey(key);
        long sessionId = RANDOM.nextLong();
        long pingId = RANDOM.nextLong();
        long lastMsgId = 0;
        int badSalts = 0;
        for (int attempt = 0; attempt < 4; attempt++) {
            long now = System.currentTimeMillis();
            long msgId = Math.max(((now / 1000) << 32 | ((now % 1000) << 32) / 1000) & ~3L, lastMsgId + 4);
            lastMsgId = msgId;
            byte[] body = Tl.serialize(new Ping(pingId));
            byte[] pad = new byte[12 + (-(32 + body.length + 12) & 15)];
            RANDOM.nextBytes(pad);
            send(ClientView.encrypt(authKey, ClientView.plaintext(salt, sessionId, msgId, 0, body.length, body, pad)));
            while (true) {
                byte[] plain = ClientView.decryptFromServer(authKey, receive());
                ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
                if (b.getLong(8) != sessionId) {
                    throw new AssertionError("server answered in another session");
                }
                Long newSalt = null;
                boolean ponged = false;
                for (byte[] m : messages(plain)) {
                    Object o = Tl.deserialize(m, Schema.REGISTRY, TlLimits.DEFAULT);
                    if (o instanceof Pong p && p.msgId() == msgId) {
                        if (p.pingId() != pingId) {
                            throw new AssertionError("pong for another ping_id");
                        }
                        ponged = true;
                    } else if (o instanceof BadServerSalt bad && bad.badMsgId() == msgId) {
                        newSalt = bad.newServerSalt();
                    }
                }
                if (ponged) {
                    return badSalts;
                }
                if (newSalt != null) {
                    salt = newSalt;
                    badSalts++;
                    break;
                }
            }
        }
        throw new AssertionError("no pong after " + badSalts + " bad_server_salt");
    }

    /** The messages of a decrypted server packet, a container flattened. */
    private static List<byte[]> messages(byte[] plain) {
        ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
        int len = b.getInt(28);
        List<byte[]> out = new ArrayList<>();
        if (b.getInt(32) != MSG_CONTAINER) {
            out.add(Arrays.copyOfRange(plain, 32, 32 + len));
            return out;
        }
        int count = b.getInt(36);
        int p = 40;
        for (int i = 0; i < count; i++) {
            int l = b.getInt(p + 12);
            out.add(Arrays.copyOfRange(plain, p + 16, p + 16 + l));
            p += 16 + l;
        }
        return out;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
