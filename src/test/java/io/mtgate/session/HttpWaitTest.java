package io.mtgate.session;

import static io.mtgate.session.SessionHarness.tl;
import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.session.SessionHarness.FakeLink;
import io.mtgate.session.SessionHarness.ServerMessage;
import io.mtgate.tl.mtproto.HttpWait;
import io.mtgate.tl.mtproto.MsgsAck;
import io.mtgate.tl.mtproto.Ping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests on HTTP connections (checklist 1.11) are answered once each, when their http_wait says
 * (checklist 4.5): the session driven through a connection that can only answer requests, with the
 * harness clock and the connection's timers run by hand.
 */
class HttpWaitTest {
    private static final long SESSION = 0x5e55L;
    private static final byte[] QUERY = {1, 0, 0, 0};

    private final SessionHarness h = new SessionHarness();
    private final PollLink poll = new PollLink(h);
    private long start;

    /** An HTTP connection: records answers and holds timers until the test runs them. */
    static final class PollLink extends FakeLink implements LongPollLink {
        PollLink(SessionHarness h) {
            now = h.clock::millis;
        }

        synchronized int answers() {
            return packets.size();
        }

        synchronized long[] lastPacket() {
            return packets.get(packets.size() - 1);
        }
    }

    @BeforeEach
    void firstRequestOpensTheSession() {
        h.send(poll, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(1)));
        assertThat(poll.answers()).as("new_session_created + pong in one answer").isEqualTo(1);
        poll.take();
        synchronized (poll) {
            poll.packets.clear();
        }
        start = h.clock.millis();
    }

    private void at(long millisAfterStart) {
        h.clock.advance(Duration.ofMillis(start + millisAfterStart - h.clock.millis()));
        poll.runDueTimers();
    }

    /** A request carrying only a msgs_ack (nothing for the server to answer) and, if given, an http_wait. */
    private void request(HttpWait wait) {
        List<long[]> headers = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        headers.add(new long[] {h.nextMsgId(), h.seq(SESSION, false)});
        bodies.add(tl(new MsgsAck(List.of())));
        if (wait != null) {
            headers.add(new long[] {h.nextMsgId(), h.seq(SESSION, false)});
            bodies.add(tl(wait));
        }
        h.send(poll, SESSION, h.nextMsgId(), h.seq(SESSION, false), Container.build(headers, bodies));
    }

    private void push(int n) {
        h.manager.push(SessionHarness.KEY_ID, tl(new Ping(1000 + n)));
    }

    private static List<Long> pushedIds(List<ServerMessage> messages) {
        return messages.stream().filter(m -> m.constructorId() == ServiceIds.PING)
                .map(m -> ((Ping) m.decoded()).pingId()).toList();
    }

    @Test
    void withoutHttpWaitARequestWaitsTwentyFiveSecondsThenGetsAnEmptyContainer() {
        request(null);
        at(24_999);
        assertThat(poll.answers()).isZero();
        at(25_000);
        assertThat(poll.answers()).isEqualTo(1);
        long[] packet = poll.lastPacket();
        assertThat(packet[2]).as("a container").isEqualTo(1);
        assertThat(poll.take()).as("with nothing in it").isEmpty();
        assertThat(packet[0] & 3).as("server msg_id").isEqualTo(1);
        assertThat(packet[1] & 1).as("not content-related").isZero();
    }

    @Test
    void withoutHttpWaitARequestIsAnsweredAsSoonAsThereIsSomethingToSay() {
        request(null);
        at(3_000);
        assertThat(poll.answers()).isZero();
        push(1);
        assertThat(poll.answers()).isEqualTo(1);
        assertThat(pushedIds(poll.take())).containsExactly(1001L);
    }

    @Test
    void waitAfterRestartsWithEachMessageButMaxDelayAfterTheFirstEndsTheWait() {
        request(new HttpWait(100, 30, 25_000));
        at(10);
        push(1); // first: answer by 110 at the latest; wait_after: by 40
        at(30);
        push(2); // by 60
        at(55);
        push(3); // by 85
        at(80);
        push(4); // wait_after would say 110
        at(105);
        push(5); // wait_after would say 135; max_delay says 110
        at(109);
        assertThat(poll.answers()).as("still gathering").isZero();
        at(110);
        assertThat(poll.answers()).isEqualTo(1);
        assertThat(pushedIds(poll.take())).containsExactly(1001L, 1002L, 1003L, 1004L, 1005L);
    }

    @Test
    void waitAfterAloneAnswersOnceTheMessagesStopComing() {
        request(new HttpWait(1_000, 50, 25_000));
        at(100);
        push(1);
        at(140);
        push(2);
        at(189);
        assertThat(poll.answers()).isZero();
        at(190);
        assertThat(pushedIds(poll.take())).containsExactly(1001L, 1002L);
        assertThat(poll.answers()).isEqualTo(1);
    }

    @Test
    void maxWaitComesBeforeMaxDelayAndWaitAfter() {
        request(new HttpWait(5_000, 5_000, 1_000));
        at(500);
        push(1);
        at(999);
        assertThat(poll.answers()).isZero();
        at(1_000);
        assertThat(pushedIds(poll.take())).containsExactly(1001L);
    }

    @Test
    void eachRequestIsAnsweredExactlyOnceAndLaterMessagesWaitForTheNextRequest() {
        request(new HttpWait(0, 0, 25_000));
        push(1);
        assertThat(poll.answers()).isEqualTo(1);
        push(2);
        push(3);
        at(60_000);
        assertThat(poll.answers()).as("no request pending: nothing may be sent").isEqualTo(1);
        poll.take();
        request(null);
        assertThat(poll.answers()).isEqualTo(2);
        assertThat(pushedIds(poll.take())).containsExactly(1002L, 1003L);
    }

    @Test
    void aQueryRunningWhenTheRequestArrivesIsAnsweredInTheSameResponseWithoutASeparateAck() {
        AtomicReference<RpcReply> held = new AtomicReference<>();
        h.invoker.set((call, reply) -> held.set(reply));
        long query = h.nextMsgId();
        h.send(poll, SESSION, query, h.seq(SESSION, true), QUERY);
        at(200);
        assertThat(poll.answers()).as("the pending ack alone does not answer the request").isZero();
        held.get().complete(SessionHarness.echo(null));
        assertThat(poll.answers()).isEqualTo(1);
        List<ServerMessage> answer = poll.take();
        assertThat(answer).extracting(ServerMessage::constructorId).containsExactly(ServiceIds.RPC_RESULT);
        assertThat(SessionRulesTestSupport.reqMsgId(answer.get(0))).isEqualTo(query);
    }

    @Test
    void aQueryOutlastingMaxWaitGetsItsAckAndItsResultWaitsForTheNextRequest() {
        AtomicReference<RpcReply> held = new AtomicReference<>();
        h.invoker.set((call, reply) -> held.set(reply));
        long query = h.nextMsgId();
        long waitId = h.nextMsgId();
        int waitSeq = h.seq(SESSION, false);
        int querySeq = h.seq(SESSION, true);
        // tdlib's order: http_wait, then the query, in one container
        byte[] c = Container.build(List.of(new long[] {waitId, waitSeq}, new long[] {query + 8, querySeq}),
                List.of(tl(new HttpWait(0, 0, 1_000)), QUERY));
        h.lastClientMsgId = query + 8;
        h.send(poll, SESSION, h.nextMsgId(), querySeq + 1, c);
        at(999);
        assertThat(poll.answers()).isZero();
        at(1_000);
        assertThat(poll.answers()).isEqualTo(1);
        List<ServerMessage> answer = poll.take();
        assertThat(answer).extracting(ServerMessage::constructorId).containsExactly(ServiceIds.MSGS_ACK);
        assertThat(((MsgsAck) answer.get(0).decoded()).msgIds()).containsExactly(query + 8);
        held.get().complete(SessionHarness.echo(null));
        assertThat(poll.answers()).as("no request pending").isEqualTo(1);
        request(null);
        assertThat(poll.take()).extracting(ServerMessage::constructorId).containsExactly(ServiceIds.RPC_RESULT);
    }

    @Test
    void aStreamConnectionOfTheSameSessionTakesMessagesWhileTheRequestWaits() {
        request(null);
        FakeLink tcp = new FakeLink();
        h.send(tcp, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(2)));
        push(1);
        assertThat(tcp.ofType(0x347773c5)).hasSize(1);
        assertThat(pushedIds(tcp.take())).containsExactly(1001L);
        assertThat(poll.answers()).isZero();
        at(25_000);
        assertThat(poll.answers()).isEqualTo(1);
        assertThat(poll.take()).isEmpty();
    }

    @Test
    void aNewRequestOnTheSameConnectionAnswersThePreviousOneFirst() {
        request(new HttpWait(0, 0, 20_000));
        at(1_000);
        request(new HttpWait(0, 0, 20_000));
        assertThat(poll.answers()).as("the first request answered (empty) when the second came").isEqualTo(1);
        at(20_999);
        assertThat(poll.answers()).as("stale timer of the first request does nothing").isEqualTo(1);
        at(21_000);
        assertThat(poll.answers()).isEqualTo(2);
    }

    @Test
    void outOfRangeValuesAreClampedToZeroAndToTheConfiguredMaximum() {
        request(new HttpWait(-5, -5, Integer.MAX_VALUE));
        at(59_999);
        assertThat(poll.answers()).isZero();
        at(60_000);
        assertThat(poll.answers()).as("max_wait lowered to mtgate.session.max-http-wait").isEqualTo(1);
        request(new HttpWait(-5, -5, 25_000));
        push(1);
        assertThat(poll.answers()).as("negative delays count as 0").isEqualTo(2);
    }

    @Test
    void aClosedConnectionIsNotWrittenAndItsMessagesGoToTheNextOne() {
        request(null);
        poll.open = false;
        push(1);
        at(25_000);
        assertThat(poll.answers()).isZero();
        PollLink next = new PollLink(h);
        h.send(next, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new MsgsAck(List.of())));
        assertThat(pushedIds(next.take())).containsExactly(1001L);
    }

    @Test
    void moreThanOnePacketOfMessagesIsSpreadOverSeveralRequests() {
        SessionHarness small = new SessionHarness(new SessionConfig(256, Duration.ofSeconds(300), Duration.ofSeconds(30),
                1024, 8192, 1 << 20, 1024, 4096, 16384, Duration.ofMinutes(10), 64, Duration.ofMinutes(10), 16,
                Duration.ofSeconds(60), Duration.ZERO));
        PollLink p = new PollLink(small);
        small.send(p, SESSION, small.nextMsgId(), small.seq(SESSION, false), tl(new Ping(1)));
        p.take();
        byte[] big = new byte[2000];
        big[0] = (byte) 0xec; // ping#7abe77ec, then a ping_id and filler
        big[1] = 0x77;
        big[2] = (byte) 0xbe;
        big[3] = 0x7a;
        small.manager.push(SessionHarness.KEY_ID, big);
        small.manager.push(SessionHarness.KEY_ID, big);
        small.manager.push(SessionHarness.KEY_ID, big);
        int before = p.answers();
        small.send(p, SESSION, small.nextMsgId(), small.seq(SESSION, false), tl(new MsgsAck(List.of())));
        assertThat(p.answers()).isEqualTo(before + 1);
        assertThat(p.take()).hasSize(2);
        small.send(p, SESSION, small.nextMsgId(), small.seq(SESSION, false), tl(new MsgsAck(List.of())));
        assertThat(p.answers()).isEqualTo(before + 2);
        assertThat(p.take()).hasSize(1);
    }

    @Test
    void anOpenHttpConnectionBetweenRequestsKeepsItsSessionAndQueueAClosedOneDoesNot() {
        request(null);
        push(1);
        poll.take();
        push(2);
        h.clock.advance(Duration.ofMinutes(11));
        h.manager.sweep();
        assertThat(h.manager.sessionCount()).as("idle timeout passed, but the connection is open").isEqualTo(1);
        request(null);
        assertThat(pushedIds(poll.take())).containsExactly(1002L);
        poll.open = false;
        h.clock.advance(Duration.ofMinutes(11));
        h.manager.sweep();
        assertThat(h.manager.sessionCount()).isZero();
    }

    @Test
    void theTurnArithmetic() {
        LongPollTurn t = new LongPollTurn(1_000, 60_000);
        assertThat(t.deadline()).isEqualTo(26_000);
        t.apply(new HttpWait(100, 30, 5_000));
        assertThat(t.deadline()).isEqualTo(6_000);
        t.observe(2_000, 0);
        assertThat(t.deadline()).as("nothing yet").isEqualTo(6_000);
        t.observe(2_000, 1);
        assertThat(t.deadline()).isEqualTo(2_030);
        t.observe(2_020, 1);
        assertThat(t.deadline()).as("same count: no new message").isEqualTo(2_030);
        t.observe(2_025, 2);
        assertThat(t.deadline()).isEqualTo(2_055);
        t.observe(2_090, 3);
        assertThat(t.deadline()).as("max_delay after the first").isEqualTo(2_100);
        assertThat(t.due(2_099)).isFalse();
        assertThat(t.due(2_100)).isTrue();
    }
}
