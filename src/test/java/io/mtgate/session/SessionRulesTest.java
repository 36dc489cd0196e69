package io.mtgate.session;

import static io.mtgate.session.SessionHarness.tl;
import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.session.SessionHarness.FakeLink;
import io.mtgate.session.SessionHarness.ServerMessage;
import io.mtgate.tl.GzipPacked;
import io.mtgate.tl.mtproto.BadMsgNotification;
import io.mtgate.tl.mtproto.BadServerSalt;
import io.mtgate.tl.mtproto.NewSessionCreated;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The receive rules of checklist 3.3-3.7: every bad_msg_notification code provoked on purpose. */
class SessionRulesTest {
    private static final long SESSION = 0x5e55105L;

    private final SessionHarness h = new SessionHarness();
    private final FakeLink link = new FakeLink();

    /** Opens the session with one accepted ping so later refusals are not mixed with new_session_created. */
    private void open() {
        assertThat(h.send(link, SESSION, h.nextMsgId(), 0, tl(new Ping(1)))).isEqualTo(SessionManager.Outcome.ACCEPTED);
        link.take();
    }

    private BadMsgNotification onlyBadMsg() {
        List<ServerMessage> got = link.take();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).decoded()).isInstanceOf(BadMsgNotification.class);
        assertThat(got.get(0).msgId() & 3).as("an answer to a client message: msg_id ≡ 1 mod 4").isEqualTo(1);
        assertThat(got.get(0).contentRelated()).isFalse();
        return (BadMsgNotification) got.get(0).decoded();
    }

    @Test
    void firstMessageGetsNewSessionCreatedThenPong() {
        long msgId = h.nextMsgId();
        assertThat(h.send(link, SESSION, msgId, 0, tl(new Ping(77)))).isEqualTo(SessionManager.Outcome.ACCEPTED);
        List<ServerMessage> got = link.take();
        assertThat(got).hasSize(2);
        assertThat(got.get(0).decoded()).isInstanceOf(NewSessionCreated.class);
        NewSessionCreated created = (NewSessionCreated) got.get(0).decoded();
        assertThat(created.firstMsgId()).isEqualTo(msgId);
        assertThat(created.serverSalt()).isEqualTo(h.salt());
        assertThat(got.get(0).contentRelated()).isTrue();
        assertThat(got.get(1).decoded()).isEqualTo(new Pong(msgId, 77));
        assertThat(got.get(1).contentRelated()).as("pong is not content-related").isFalse();
        assertThat(got.get(1).msgId() & 3).isEqualTo(1);
        assertThat(got).allSatisfy(m -> assertThat(m.sessionId()).isEqualTo(SESSION));
        assertThat(link.packets).hasSize(1).allSatisfy(p -> assertThat(p[2]).as("sent in one container").isEqualTo(1));
        // a second message of the same session: no second new_session_created
        h.send(link, SESSION, h.nextMsgId(), 0, tl(new Ping(78)));
        assertThat(link.take()).extracting(ServerMessage::decoded).hasOnlyElementsOfType(Pong.class);
    }

    @Test
    void code18LowBitsNotZero() {
        open();
        long bad = h.nextMsgId() | 1;
        assertThat(h.send(link, SESSION, bad, 0, tl(new Ping(2)))).isEqualTo(SessionManager.Outcome.REFUSED);
        assertThat(onlyBadMsg()).isEqualTo(new BadMsgNotification(bad, 0, 18));
    }

    @Test
    void code16TooOldAnd17TooNew() {
        open();
        long now = h.clock.instant().getEpochSecond();
        long old = ((now - 301) << 32) & ~3L;
        h.send(link, SESSION, old, 0, tl(new Ping(3)));
        assertThat(onlyBadMsg().errorCode()).isEqualTo(16);
        long future = ((now + 31) << 32);
        h.send(link, SESSION, future, 0, tl(new Ping(4)));
        assertThat(onlyBadMsg().errorCode()).isEqualTo(17);
        // just inside both edges is fine
        long edgeOld = ((now - 299) << 32);
        assertThat(h.send(link, SESSION, edgeOld, 0, tl(new Ping(5)))).isEqualTo(SessionManager.Outcome.ACCEPTED);
        assertThat(h.badCodes).containsExactly(16, 17);
    }

    @Test
    void code19ContainerReusingAReceivedId() {
        open();
        long a = h.nextMsgId();
        h.send(link, SESSION, a, 0, tl(new Ping(6)));
        link.take();
        long inner = h.nextMsgId();
        byte[] container = Container.build(List.<long[]>of(new long[] {inner, 0}), List.of(tl(new Ping(7))));
        h.send(link, SESSION, a, 0, container);
        assertThat(onlyBadMsg().errorCode()).isEqualTo(19);
    }

    @Test
    void code20TooOldToVerifyOnceTheWindowHasMovedOn() {
        SessionHarness small = new SessionHarness(new SessionConfig(16, Duration.ofSeconds(300), Duration.ofSeconds(30),
                1024, 8192, 1 << 20, 1024, 1 << 20, 16384, Duration.ofMinutes(10), 64, Duration.ofMinutes(10), 16,
                Duration.ofSeconds(60), Duration.ZERO));
        FakeLink l = new FakeLink();
        long first = small.nextMsgId();
        small.nextMsgId(); // leave a gap below the window
        for (int i = 0; i < 20; i++) {
            small.send(l, SESSION, small.nextMsgId(), 0, tl(new Ping(i)));
        }
        l.take();
        small.send(l, SESSION, first, 0, tl(new Ping(99)));
        List<ServerMessage> got = l.take();
        assertThat(got).extracting(ServerMessage::decoded).containsExactly(new BadMsgNotification(first, 0, 20));
    }

    @Test
    void duplicateIsNeverExecutedTwiceAndItsAnswerIsResent() {
        AtomicInteger executed = new AtomicInteger();
        h.invoker.set((call, reply) -> {
            executed.incrementAndGet();
            reply.complete(SessionHarness.echo(call));
        });
        open();
        long q = h.nextMsgId();
        byte[] query = {1, 2, 3, 4};
        h.send(link, SESSION, q, 1, query);
        List<ServerMessage> first = link.ofType(ServiceIds.RPC_RESULT);
        assertThat(first).hasSize(1);
        link.take();
        assertThat(h.send(link, SESSION, q, 1, query)).isEqualTo(SessionManager.Outcome.REFUSED);
        assertThat(executed).hasValue(1);
        List<ServerMessage> again = link.ofType(ServiceIds.RPC_RESULT);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).msgId()).as("resent with a new msg_id").isNotEqualTo(first.get(0).msgId());
        assertThat(again.get(0).body()).isEqualTo(first.get(0).body());
    }

    @Test
    void duplicateOfALargeAnswerGetsMsgDetailedInfo() {
        byte[] big = new byte[20_000];
        big[0] = 1;
        h.invoker.set((call, reply) -> reply.complete(big));
        open();
        long q = h.nextMsgId();
        h.send(link, SESSION, q, 1, new byte[] {9, 9, 9, 9});
        ServerMessage answer = link.ofType(ServiceIds.RPC_RESULT).get(0);
        link.take();
        h.send(link, SESSION, q, 1, new byte[] {9, 9, 9, 9});
        List<ServerMessage> got = link.take();
        assertThat(got).extracting(ServerMessage::decoded)
                .containsExactly(new io.mtgate.tl.mtproto.MsgDetailedInfo(q, answer.msgId(), 12 + big.length, 0));
    }

    @Test
    void code32And33SeqnoOutOfOrder() {
        open();
        long a = h.nextMsgId();
        long b = h.nextMsgId();
        long c = h.nextMsgId();
        h.send(link, SESSION, b, 11, new byte[] {1, 0, 0, 0});
        link.take();
        // a lower msg_id with a higher seqno: 33 (too high)
        h.send(link, SESSION, a, 13, new byte[] {1, 0, 0, 0});
        assertThat(onlyBadMsg()).isEqualTo(new BadMsgNotification(a, 13, 33));
        // a higher msg_id with a lower seqno: 32 (too low)
        h.send(link, SESSION, c, 9, new byte[] {1, 0, 0, 0});
        assertThat(onlyBadMsg()).isEqualTo(new BadMsgNotification(c, 9, 32));
        // an equal odd seqno on a higher msg_id: 32 as well
        h.send(link, SESSION, h.nextMsgId(), 11, new byte[] {1, 0, 0, 0});
        assertThat(onlyBadMsg().errorCode()).isEqualTo(32);
    }

    @Test
    void code34And35ParityByContent() {
        open();
        long ack = h.nextMsgId();
        h.send(link, SESSION, ack, 3, tl(new io.mtgate.tl.mtproto.MsgsAck(List.of())));
        assertThat(onlyBadMsg()).isEqualTo(new BadMsgNotification(ack, 3, 34));
        long query = h.nextMsgId();
        h.send(link, SESSION, query, 4, new byte[] {1, 0, 0, 0});
        assertThat(onlyBadMsg()).isEqualTo(new BadMsgNotification(query, 4, 35));
        // service messages may come either way (tdlib sends pings even, others odd)
        assertThat(h.send(link, SESSION, h.nextMsgId(), 5, tl(new Ping(1)))).isEqualTo(SessionManager.Outcome.ACCEPTED);
        assertThat(h.send(link, SESSION, h.nextMsgId(), 6, tl(new Ping(1)))).isEqualTo(SessionManager.Outcome.ACCEPTED);
    }

    @Test
    void code48WrongSaltGetsBadServerSaltWithAValidSalt() {
        open();
        long m = h.nextMsgId();
        assertThat(h.send(link, 12345L, SESSION, m, 0, tl(new Ping(5)))).isEqualTo(SessionManager.Outcome.REFUSED);
        List<ServerMessage> got = link.take();
        assertThat(got).hasSize(1);
        BadServerSalt bad = (BadServerSalt) got.get(0).decoded();
        assertThat(bad.badMsgId()).isEqualTo(m);
        assertThat(bad.errorCode()).isEqualTo(48);
        assertThat(bad.newServerSalt()).isEqualTo(h.salt());
        // the client resends with the new salt: accepted
        assertThat(h.send(link, bad.newServerSalt(), SESSION, h.nextMsgId(), 0, tl(new Ping(5))))
                .isEqualTo(SessionManager.Outcome.ACCEPTED);
    }

    @Test
    void saltsRotateWithOverlapAndTheInitialSaltIsAcceptedForAWhile() {
        long first = h.salt();
        h.clock.advance(Duration.ofHours(1));
        long second = h.salt();
        assertThat(second).isNotEqualTo(first);
        assertThat(h.salts.accepts(SessionHarness.KEY_ID, first, h.clock.instant())).as("previous within overlap").isTrue();
        h.clock.advance(Duration.ofMinutes(31));
        assertThat(h.salts.accepts(SessionHarness.KEY_ID, first, h.clock.instant())).as("previous after overlap").isFalse();
        assertThat(h.salts.accepts(SessionHarness.KEY_ID, second, h.clock.instant())).isTrue();
        h.initialSalts.record(SessionHarness.KEY_ID, 0x7777L, h.clock.instant());
        assertThat(h.salts.accepts(SessionHarness.KEY_ID, 0x7777L, h.clock.instant())).isTrue();
        h.clock.advance(Duration.ofMinutes(30));
        assertThat(h.salts.accepts(SessionHarness.KEY_ID, 0x7777L, h.clock.instant())).isFalse();
        assertThat(h.salts.accepts(new io.mtgate.crypto.AuthKeyId(99), h.salt(), h.clock.instant()))
                .as("salts belong to one key").isFalse();
    }

    @Test
    void code64InvalidContainers() {
        open();
        long inner = h.nextMsgId();
        long outer = h.nextMsgId();
        // inner id not below the container's
        byte[] c1 = Container.build(List.<long[]>of(new long[] {outer + 4, 0}), List.of(tl(new Ping(1))));
        h.send(link, SESSION, outer, 0, c1);
        assertThat(onlyBadMsg()).isEqualTo(new BadMsgNotification(outer, 0, 64));
        // a container inside a container
        byte[] nested = Container.build(List.<long[]>of(new long[] {inner, 0}), List.of(tl(new Ping(1))));
        long outer2 = h.nextMsgId();
        h.send(link, SESSION, outer2, 0, Container.build(List.<long[]>of(new long[] {inner, 0}), List.of(nested)));
        assertThat(onlyBadMsg().errorCode()).isEqualTo(64);
        // an inner seqno above the container's
        long inner3 = h.nextMsgId();
        long outer3 = h.nextMsgId();
        h.send(link, SESSION, outer3, 2, Container.build(List.<long[]>of(new long[] {inner3, 5}), List.of(new byte[] {1, 0, 0, 0})));
        assertThat(onlyBadMsg().errorCode()).isEqualTo(64);
        // trailing garbage
        byte[] c4 = Container.build(List.<long[]>of(new long[] {h.nextMsgId(), 0}), List.of(tl(new Ping(1))));
        byte[] padded = java.util.Arrays.copyOf(c4, c4.length + 4);
        h.send(link, SESSION, h.nextMsgId(), 0, padded);
        assertThat(onlyBadMsg().errorCode()).isEqualTo(64);
        // a declared count beyond the bytes present
        byte[] lying = Container.build(List.<long[]>of(new long[] {h.nextMsgId(), 0}), List.of(tl(new Ping(1))));
        ServiceIds.putIntLE(lying, 4, 1000);
        h.send(link, SESSION, h.nextMsgId(), 0, lying);
        assertThat(onlyBadMsg().errorCode()).isEqualTo(64);
        assertThat(h.badCodes).containsOnly(64);
    }

    @Test
    void containerMessagesAreProcessedInOrderAndOldInnerIdsAreAllowed() {
        open();
        long now = h.clock.instant().getEpochSecond();
        long oldInner = ((now - 400) << 32) & ~3L; // older than 300 s, allowed inside a container
        long inner2 = h.nextMsgId();
        long outer = h.nextMsgId();
        byte[] c = Container.build(List.of(new long[] {oldInner, 0}, new long[] {inner2, 0}),
                List.of(tl(new Ping(10)), tl(new Ping(11))));
        assertThat(h.send(link, SESSION, outer, 0, c)).isEqualTo(SessionManager.Outcome.ACCEPTED);
        List<ServerMessage> got = link.take();
        // oldInner is below the session's first message: announced again before its pong
        assertThat(got).hasSize(3);
        assertThat(((NewSessionCreated) got.get(0).decoded()).firstMsgId()).isEqualTo(oldInner);
        assertThat(got.subList(1, 3)).extracting(ServerMessage::decoded)
                .containsExactly(new Pong(oldInner, 10), new Pong(inner2, 11));
    }

    @Test
    void aLowerMsgIdArrivingLaterGetsAnotherNewSessionCreatedWithTheSameUniqueId() {
        long a = h.nextMsgId();
        long b = h.nextMsgId();
        long c = h.nextMsgId();
        long d = h.nextMsgId();
        // c arrives first (the client's first messages went out on several connections)
        h.send(link, SESSION, c, 0, tl(new Ping(3)));
        List<ServerMessage> first = link.take();
        NewSessionCreated created = (NewSessionCreated) first.get(0).decoded();
        assertThat(created.firstMsgId()).isEqualTo(c);
        // a is lower: a second new_session_created for a, same unique_id, before a's pong
        assertThat(h.send(link, SESSION, a, 0, tl(new Ping(1)))).isEqualTo(SessionManager.Outcome.ACCEPTED);
        List<ServerMessage> second = link.take();
        assertThat(second).hasSize(2);
        assertThat(second.get(0).decoded()).isEqualTo(new NewSessionCreated(a, created.uniqueId(), h.salt()));
        assertThat(second.get(0).contentRelated()).isTrue();
        assertThat(second.get(1).decoded()).isEqualTo(new Pong(a, 1));
        // b lies between a and c, d above all: processed, nothing announced
        h.send(link, SESSION, b, 0, tl(new Ping(2)));
        h.send(link, SESSION, d, 0, tl(new Ping(4)));
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new Pong(b, 2), new Pong(d, 4));
        assertThat(h.badCodes).isEmpty();
    }

    @Test
    void aRefusedOrDuplicateLowerMessageAnnouncesNothing() {
        long low = h.nextMsgId();
        long first = h.nextMsgId();
        h.send(link, SESSION, first, 0, tl(new Ping(1)));
        h.send(link, SESSION, first, 0, tl(new Ping(1))); // duplicate
        link.take();
        // lower, but refused (odd seqno on a never-content-related msgs_ack): not processed, not announced
        h.send(link, SESSION, low, 1, tl(new io.mtgate.tl.mtproto.MsgsAck(List.of(1L))));
        assertThat(link.take()).extracting(ServerMessage::decoded)
                .containsExactly(new BadMsgNotification(low, 1, 34));
    }

    @Test
    void aContainerAnnouncesItsLowestMessageAndLaterContainersAnnounceLowerOnes() {
        long low = h.nextMsgId();
        long lower2 = h.nextMsgId(); // used later, still below the first container's messages
        long x = h.nextMsgId();
        long y = h.nextMsgId();
        // the first container lists its higher message first: first_msg_id is its lowest, once
        byte[] c1 = Container.build(List.of(new long[] {y, 0}, new long[] {x, 0}),
                List.of(tl(new Ping(20)), tl(new Ping(21))));
        h.send(link, SESSION, h.nextMsgId(), 0, c1);
        List<ServerMessage> got = link.take();
        assertThat(got).filteredOn(m -> m.decoded() instanceof NewSessionCreated).hasSize(1)
                .extracting(m -> ((NewSessionCreated) m.decoded()).firstMsgId()).containsExactly(x);
        long unique = ((NewSessionCreated) got.get(0).decoded()).uniqueId();
        // a later container with two messages below x: one announcement per new lowest, in order
        byte[] c2 = Container.build(List.of(new long[] {lower2, 0}, new long[] {low, 0}),
                List.of(tl(new Ping(22)), tl(new Ping(23))));
        h.send(link, SESSION, h.nextMsgId(), 0, c2);
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(
                new NewSessionCreated(lower2, unique, h.salt()), new Pong(lower2, 22),
                new NewSessionCreated(low, unique, h.salt()), new Pong(low, 23));
    }

    @Test
    void tooManyMessagesInAContainerIsMinus429() {
        open();
        List<long[]> headers = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 1025; i++) {
            headers.add(new long[] {h.nextMsgId(), 0});
            bodies.add(tl(new Ping(i)));
        }
        h.send(link, SESSION, h.nextMsgId(), 0, Container.build(headers, bodies));
        assertThat(link.failures).containsExactly(-429);
    }

    @Test
    void gzipPackedIsUnpackedAndBombsAreRefused() {
        open();
        byte[] gz = gzipPacked(tl(new Ping(33)));
        long m = h.nextMsgId();
        assertThat(h.send(link, SESSION, m, 0, gz)).isEqualTo(SessionManager.Outcome.ACCEPTED);
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new Pong(m, 33));
        // 8 MiB of zeros compresses to a few KiB: refused, never inflated past the limit
        byte[] bomb = gzipPacked(new byte[8 << 20]);
        long b = h.nextMsgId();
        assertThat(h.send(link, SESSION, b, 1, bomb)).isEqualTo(SessionManager.Outcome.REFUSED);
        assertThat(onlyBadMsg()).isEqualTo(new BadMsgNotification(b, 1, 64));
    }

    static byte[] gzipPacked(byte[] content) {
        byte[] packed = GzipPacked.pack(content);
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        io.mtgate.tl.TlWriter w = new io.mtgate.tl.TlWriter(buf);
        w.writeInt(GzipPacked.CONSTRUCTOR_ID);
        w.writeBytes(packed);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    @Test
    void serverIdsIncreaseAndSeqnosFollowContent() {
        open();
        for (int i = 0; i < 5; i++) {
            h.send(link, SESSION, h.nextMsgId(), 2 * i + 1, new byte[] {1, 0, 0, 0});
        }
        List<ServerMessage> got = link.take();
        assertThat(got).extracting(ServerMessage::msgId).isSorted().doesNotHaveDuplicates();
        List<Integer> resultSeqnos = got.stream().filter(m -> m.constructorId() == ServiceIds.RPC_RESULT)
                .map(ServerMessage::seqno).toList();
        // new_session_created took seqno 1; the results are the next content-related ones
        assertThat(resultSeqnos).containsExactly(3, 5, 7, 9, 11);
    }
}
