package io.mtgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.tl.mtproto.BadServerSalt;
import io.mtgate.tl.mtproto.DestroyAuthKey;
import io.mtgate.tl.mtproto.DestroyAuthKeyOk;
import io.mtgate.tl.mtproto.NewSessionCreated;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import io.mtgate.transport.TestClient.Mode;
import io.mtgate.transport.TransportKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Encrypted sessions end to end over real sockets: the receive pipeline, quick ACKs, destroy_auth_key. */
class EncryptedSessionOverWireTest extends GatewayE2eBase {
    @org.springframework.beans.factory.annotation.Autowired
    io.mtgate.push.PushService push;

    private WireSession open(TransportKind kind, Mode mode) {
        WireClient wire = connect(kind, mode);
        WireHandshake hs = new WireHandshake(wire, rsaKey());
        hs.runPermanent();
        return new WireSession(wire, hs.authKey(), hs.expectedInitialSalt());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ABRIDGED, PLAIN", "INTERMEDIATE, PLAIN", "PADDED_INTERMEDIATE, PLAIN", "FULL, PLAIN",
            "ABRIDGED, OBFUSCATED", "INTERMEDIATE, OBFUSCATED", "PADDED_INTERMEDIATE, OBFUSCATED"})
    void pingAfterHandshakeWithTheInitialSalt(TransportKind kind, Mode mode) {
        WireSession s = open(kind, mode);
        long ping = s.send(new Ping(4242), false);
        List<WireSession.Message> seen = new ArrayList<>();
        WireSession.Message pong = s.await(Pong.CONSTRUCTOR_ID, seen);
        assertThat(pong.decoded()).isEqualTo(new Pong(ping, 4242));
        assertThat(pong.msgId() & 3).isEqualTo(1);
        assertThat(seen).extracting(WireSession.Message::constructorId).contains(NewSessionCreated.CONSTRUCTOR_ID);
        s.wire.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ABRIDGED, OBFUSCATED", "INTERMEDIATE, OBFUSCATED", "PADDED_INTERMEDIATE, OBFUSCATED",
            "ABRIDGED, PLAIN", "INTERMEDIATE, PLAIN", "PADDED_INTERMEDIATE, PLAIN"})
    void quickAcksInterleavedWithAnswersKeepTheStreamIntact(TransportKind kind, Mode mode) {
        WireSession s = open(kind, mode);
        WireSession.PingRun run = s.pingsWithQuickAcks(100);
        assertThat(run.tokens()).isEqualTo(run.expectedTokens());
        assertThat(run.answered()).isEqualTo(run.pings());
        s.wire.close();
    }

    @Test
    void wrongSaltGetsBadServerSaltAndTheResendIsAnswered() {
        WireSession s = open(TransportKind.INTERMEDIATE, Mode.PLAIN);
        s.salt = 0x1234;
        long ping = s.send(new Ping(1), false);
        WireSession.Message bad = s.await(BadServerSalt.CONSTRUCTOR_ID, new ArrayList<>());
        BadServerSalt b = (BadServerSalt) bad.decoded();
        assertThat(b.badMsgId()).isEqualTo(ping);
        s.salt = b.newServerSalt();
        long again = s.send(new Ping(2), false);
        assertThat(s.await(Pong.CONSTRUCTOR_ID, new ArrayList<>()).decoded()).isEqualTo(new Pong(again, 2));
        s.wire.close();
    }

    @Test
    void aTamperedPacketGetsMinus404AndClose() {
        WireSession s = open(TransportKind.INTERMEDIATE, Mode.PLAIN);
        byte[] body = io.mtgate.tl.Tl.serialize(new Ping(1));
        byte[] plain = io.mtgate.session.ClientView.plaintext(s.salt, s.sessionId, s.nextMsgId(), 0, body.length, body,
                new byte[12 + (-(32 + body.length + 12) & 15)]);
        byte[] packet = io.mtgate.session.ClientView.encrypt(s.key, plain);
        packet[packet.length - 1] ^= 1;
        s.wire.send(packet);
        s.wire.expectTransportErrorThenClose(-404);
    }

    @Test
    void destroyAuthKeyDeletesTheKeyAndLaterUseGetsMinus404() {
        WireSession s = open(TransportKind.INTERMEDIATE, Mode.PLAIN);
        AuthKeyId id = s.key.id();
        s.send(new Ping(1), false);
        s.await(Pong.CONSTRUCTOR_ID, new ArrayList<>());
        s.send(new DestroyAuthKey(), false);
        assertThat(s.await(DestroyAuthKeyOk.CONSTRUCTOR_ID, new ArrayList<>()).decoded()).isEqualTo(new DestroyAuthKeyOk());
        assertThat(eventually(java.time.Duration.ofSeconds(5), () -> store.find(id).isEmpty())).isTrue();
        // same connection
        s.send(new Ping(2), false);
        s.wire.expectTransportErrorThenClose(-404);
        // a new connection with the destroyed key
        WireClient wire2 = intermediate();
        WireSession s2 = new WireSession(wire2, s.key.bytes(), s.salt);
        s2.send(new Ping(3), false);
        wire2.expectTransportErrorThenClose(-404);
    }

    @Test
    void reconnectWithTheSameSessionGetsUnacknowledgedMessagesAgain() {
        WireSession s = open(TransportKind.INTERMEDIATE, Mode.PLAIN);
        s.send(new Ping(1), false);
        List<WireSession.Message> seen = new ArrayList<>();
        s.await(Pong.CONSTRUCTOR_ID, seen);
        WireSession.Message created = seen.stream().filter(m -> m.constructorId() == NewSessionCreated.CONSTRUCTOR_ID)
                .findFirst().orElseThrow();
        s.wire.close();
        // new connection, same key and session: new_session_created was never acknowledged, so it comes again
        WireClient wire2 = intermediate();
        List<WireSession.Message> seen2 = new ArrayList<>();
        WireSession again = s.continueOn(wire2);
        again.send(new Ping(2), false);
        again.await(Pong.CONSTRUCTOR_ID, seen2);
        assertThat(seen2).filteredOn(m -> m.constructorId() == NewSessionCreated.CONSTRUCTOR_ID)
                .hasSize(1).allSatisfy(m -> {
                    assertThat(m.msgId()).as("resent with a new msg_id").isNotEqualTo(created.msgId());
                    assertThat(m.body()).isEqualTo(created.body());
                });
        wire2.close();
    }

    @Test
    void pushIsDeliveredAcknowledgedAndResentUntilAcknowledged() {
        WireSession s = open(TransportKind.INTERMEDIATE, Mode.OBFUSCATED);
        s.send(new Ping(1), false);
        s.await(Pong.CONSTRUCTOR_ID, new ArrayList<>());
        io.mtgate.tl.api.l144.UpdatesTooLong update = new io.mtgate.tl.api.l144.UpdatesTooLong();
        assertThat(push.send(s.key.id(), update)).isEqualTo(1);
        WireSession.Message got = s.await(io.mtgate.tl.api.l144.UpdatesTooLong.CONSTRUCTOR_ID, new ArrayList<>());
        assertThat(got.seqno() & 1).as("content-related").isEqualTo(1);
        assertThat(got.msgId() & 3).as("server-initiated").isEqualTo(3);
        s.wire.close();

        // not acknowledged: the next connection of the session gets it again; a push made while no
        // connection is open waits for it too
        assertThat(push.send(s.key.id(), update)).isEqualTo(1); // the session still exists, without a connection
        WireSession s2 = s.continueOn(connect(TransportKind.ABRIDGED, Mode.PLAIN));
        s2.send(new Ping(2), false);
        List<WireSession.Message> seen = new ArrayList<>();
        s2.await(Pong.CONSTRUCTOR_ID, seen);
        List<Long> updates = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        for (WireSession.Message m : seen) {
            all.add(m.msgId());
            if (m.constructorId() == io.mtgate.tl.api.l144.UpdatesTooLong.CONSTRUCTOR_ID) {
                updates.add(m.msgId());
            }
        }
        assertThat(updates).hasSize(2).doesNotContain(got.msgId());
        // acknowledge everything: a third connection gets nothing again
        s2.send(new io.mtgate.tl.mtproto.MsgsAck(all), false);
        s2.send(new Ping(9), false); // its pong proves the ack was processed before the close
        s2.await(Pong.CONSTRUCTOR_ID, new ArrayList<>());
        s2.wire.close();
        WireSession s3 = s2.continueOn(intermediate());
        s3.send(new Ping(3), false);
        List<WireSession.Message> seen3 = new ArrayList<>();
        s3.await(Pong.CONSTRUCTOR_ID, seen3);
        assertThat(seen3).extracting(WireSession.Message::constructorId)
                .doesNotContain(io.mtgate.tl.api.l144.UpdatesTooLong.CONSTRUCTOR_ID);
        s3.wire.close();
    }

    @Test
    void aTemporaryKeyWorksUntilItExpiresThenGetsMinus404OnTheOpenConnection() {
        WireClient wire = intermediate();
        WireHandshake hs = new WireHandshake(wire, rsaKey());
        hs.run(io.mtgate.handshake.TestClient.Variant.TEMP_DC, DC, 60);
        WireSession s = new WireSession(wire, hs.authKey(), hs.expectedInitialSalt());
        long ping = s.send(new Ping(1), false);
        assertThat(s.await(Pong.CONSTRUCTOR_ID, new ArrayList<>()).decoded()).isEqualTo(new Pong(ping, 1));
        clock.advance(java.time.Duration.ofSeconds(61));
        s.send(new Ping(2), false);
        wire.expectTransportErrorThenClose(-404);
    }

    @Test
    void pingDelayDisconnectClosesTheConnectionUnlessRenewed() throws Exception {
        WireSession s = open(TransportKind.ABRIDGED, Mode.OBFUSCATED);
        // renewed every 500 ms with a 2 s delay: stays open for 2.5 s
        for (int i = 0; i < 5; i++) {
            long ping = s.send(new io.mtgate.tl.mtproto.PingDelayDisconnect(i, 2), false);
            assertThat(s.await(Pong.CONSTRUCTOR_ID, new ArrayList<>()).decoded()).isEqualTo(new Pong(ping, i));
            Thread.sleep(500);
        }
        // then left alone: closed after the delay
        long t0 = System.nanoTime();
        s.wire.expectClosed(java.time.Duration.ofSeconds(4));
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(java.time.Duration.ofMillis(1000));
    }
}
