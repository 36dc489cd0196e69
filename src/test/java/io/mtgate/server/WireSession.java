package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.MtprotoKdf;
import io.mtgate.session.ClientView;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import io.mtgate.tl.mtproto.Schema;
import io.mtgate.transport.TestClient.Item;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An encrypted MTProto 2.0 session over a {@link WireClient}, written on the client's side of the
 * protocol: x = 0 encryption, client msg_ids and seqnos, and decoding of server packets (x = 8)
 * with containers flattened.
 */
final class WireSession {
    record Message(long msgId, int seqno, byte[] body) {
        int constructorId() {
            return ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        }

        TlObject decoded() {
            return Tl.deserialize(body, Schema.REGISTRY, TlLimits.DEFAULT);
        }

        long reqMsgId() {
            return ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).getLong(4);
        }
    }

    /** What one server packet held: its messages, or a quick ACK. */
    record Received(List<Message> messages, Integer quickAck, long salt) {
    }

    final WireClient wire;
    final AuthKey key;
    final long sessionId;
    long salt;
    private final SecureRandom random = new SecureRandom();
    private long lastMsgId;
    private int contentCount;
    /** SHA-256-derived token of the last packet sent (checklist 1.6), for quick-ACK checks. */
    int lastQuickAckToken;

    WireSession(WireClient wire, byte[] authKey, long salt) {
        this.wire = wire;
        this.key = new AuthKey(authKey);
        this.salt = salt;
        this.sessionId = random.nextLong();
    }

    private WireSession(WireClient wire, WireSession same) {
        this.wire = wire;
        this.key = same.key;
        this.salt = same.salt;
        this.sessionId = same.sessionId;
        this.lastMsgId = same.lastMsgId;
        this.contentCount = same.contentCount;
    }

    /** The same session (key, session_id, msg_id and seqno counters) continued on another connection. */
    WireSession continueOn(WireClient other) {
        return new WireSession(other, this);
    }

    long nextMsgId() {
        long now = System.currentTimeMillis();
        long id = ((now / 1000) << 32 | ((now % 1000) << 32) / 1000) & ~3L;
        if (id <= lastMsgId) {
            id = lastMsgId + 4;
        }
        lastMsgId = id;
        return id;
    }

    int nextSeqno(boolean contentRelated) {
        return contentRelated ? 2 * contentCount++ + 1 : 2 * contentCount;
    }

    /** Sends {@code body} as a new message; returns its msg_id. */
    long send(byte[] body, boolean contentRelated, boolean quickAck) {
        long msgId = nextMsgId();
        sendAs(msgId, nextSeqno(contentRelated), body, quickAck);
        return msgId;
    }

    long send(TlObject body, boolean contentRelated) {
        return send(Tl.serialize(body), contentRelated, false);
    }

    void sendAs(long msgId, int seqno, byte[] body, boolean quickAck) {
        int unpadded = 32 + body.length;
        int padding = 12 + (-(unpadded + 12) & 15) + 16 * random.nextInt(4);
        byte[] pad = new byte[padding];
        random.nextBytes(pad);
        byte[] plain = ClientView.plaintext(salt, sessionId, msgId, seqno, body.length, body, pad);
        lastQuickAckToken = MtprotoKdf.quickAckToken(MtprotoKdf.msgKeyLarge(key.bytes(), 0, plain, 0, plain.length));
        wire.send(ClientView.encrypt(key, plain), quickAck);
    }

    /** What {@link #pingsWithQuickAcks} sent and got back. */
    record PingRun(Set<Long> pings, Set<Long> answered, Set<Integer> expectedTokens, Set<Integer> tokens) {
    }

    /**
     * Sends {@code count} pings asking for quick ACKs, all in flight at once, then reads until a pong
     * has come for each and every expected token has arrived (the callers assert on the result).
     */
    PingRun pingsWithQuickAcks(int count) {
        Set<Long> pings = new HashSet<>();
        Set<Integer> expectedTokens = new HashSet<>();
        for (int i = 0; i < count; i++) {
            pings.add(send(Tl.serialize(new Ping(i)), true, true));
            expectedTokens.add(lastQuickAckToken);
        }
        Set<Long> answered = new HashSet<>();
        Set<Integer> tokens = new HashSet<>();
        while (answered.size() < pings.size() || tokens.size() < expectedTokens.size()) {
            Received r = receive();
            if (r.quickAck() != null) {
                tokens.add(r.quickAck());
            }
            for (Message m : r.messages()) {
                if (m.constructorId() == Pong.CONSTRUCTOR_ID) {
                    answered.add(((Pong) m.decoded()).msgId());
                }
            }
        }
        return new PingRun(pings, answered, expectedTokens, tokens);
    }

    /** The next server packet, decrypted and checked (auth_key_id, msg_key, session_id). */
    Received receive() {
        Item item = wire.receiveItem();
        if (item.quickAck() != null) {
            return new Received(List.of(), item.quickAck(), 0);
        }
        byte[] plain = ClientView.decryptFromServer(key, item.payload());
        ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
        long serverSalt = b.getLong(0);
        assertEquals(sessionId, b.getLong(8), "session_id of a server message");
        long msgId = b.getLong(16);
        int seqno = b.getInt(24);
        int len = b.getInt(28);
        int padding = plain.length - 32 - len;
        if (padding < 12 || padding > 1024) {
            throw new AssertionError("server padding out of range: " + padding);
        }
        byte[] body = Arrays.copyOfRange(plain, 32, 32 + len);
        List<Message> out = new ArrayList<>();
        if (b.getInt(32) == 0x73f1f8dc) {
            int count = b.getInt(36);
            int p = 40;
            for (int i = 0; i < count; i++) {
                long id = b.getLong(p);
                int seq = b.getInt(p + 8);
                int l = b.getInt(p + 12);
                out.add(new Message(id, seq, Arrays.copyOfRange(plain, p + 16, p + 16 + l)));
                p += 16 + l;
            }
        } else {
            out.add(new Message(msgId, seqno, body));
        }
        return new Received(out, null, serverSalt);
    }

    /** Receives packets until a message with {@code constructorId} arrives (others are collected). */
    Message await(int constructorId, List<Message> seen) {
        while (true) {
            Received r = receive();
            for (Message m : r.messages()) {
                seen.add(m);
                if (m.constructorId() == constructorId) {
                    return m;
                }
            }
        }
    }
}
