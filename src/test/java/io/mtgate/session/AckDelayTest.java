package io.mtgate.session;

import static io.mtgate.session.SessionHarness.tl;
import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.session.SessionHarness.FakeLink;
import io.mtgate.session.SessionHarness.ServerMessage;
import io.mtgate.tl.mtproto.MsgsAck;
import io.mtgate.tl.mtproto.NewSessionCreated;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mtgate.session.ack-delay}: acknowledgements of content-related client messages wait (up
 * to the delay) for an answer to ride in, instead of a container with every answer; none is lost,
 * and a query answered in time needs none.
 */
class AckDelayTest {
    static final long SESSION = 0x5E55_1000L;
    static final Duration DELAY = Duration.ofMillis(200);
    private static final byte[] QUERY = {1, 0, 0, 0};

    private final SessionHarness h = new SessionHarness(withAckDelay(DELAY));
    private final FakeLink link = new FakeLink();

    static SessionConfig withAckDelay(Duration delay) {
        SessionConfig d = SessionConfig.DEFAULT;
        return new SessionConfig(d.replayWindow(), d.maxPast(), d.maxFuture(), d.maxContainerMessages(),
                d.maxVectorIds(), d.maxUnpackedSize(), d.maxQueuedMessages(), d.maxPacketBody(), d.largeAnswer(),
                d.idleSessionTimeout(), d.maxSessionsPerKey(), d.pushQueueTtl(), d.maxPushQueue(), d.maxHttpWait(), delay);
    }

    @BeforeEach
    void open() {
        link.now = h.clock::millis;
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(0)));
        assertThat(link.take()).extracting(ServerMessage::constructorId)
                .containsExactly(NewSessionCreated.CONSTRUCTOR_ID, Pong.CONSTRUCTOR_ID);
        link.packets.clear();
    }

    private long ping(long pingId) {
        long m = h.nextMsgId();
        h.send(link, SESSION, m, h.seq(SESSION, true), tl(new Ping(pingId)));
        return m;
    }

    private void after(long millis) {
        h.clock.advance(Duration.ofMillis(millis));
        link.runDueTimers();
    }

    private List<Long> ackedIds(List<ServerMessage> messages) {
        List<Long> ids = new ArrayList<>();
        for (ServerMessage m : messages) {
            if (m.constructorId() == MsgsAck.CONSTRUCTOR_ID) {
                ids.addAll(((MsgsAck) m.decoded()).msgIds());
            }
        }
        return ids;
    }

    @Test
    void aLonePingGetsItsPongAtOnceAndItsAckAloneWhenTheDelayHasPassed() {
        long m = ping(1);
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new Pong(m, 1));
        assertThat(link.packets).hasSize(1);
        after(DELAY.toMillis() - 1);
        assertThat(link.take()).as("not before the delay").isEmpty();
        after(1);
        List<ServerMessage> got = link.take();
        assertThat(got).extracting(ServerMessage::decoded).containsExactly(new MsgsAck(List.of(m)));
        assertThat(got.get(0).inContainer()).isFalse();
        after(10 * DELAY.toMillis());
        assertThat(link.take()).as("acknowledged once").isEmpty();
    }

    @Test
    void acksRideInTheFirstAnswerAfterHalfTheDelayAndNothingFollowsAlone() {
        long first = ping(1);
        after(50);
        long second = ping(2);
        assertThat(ackedIds(link.take())).as("waited less than half the delay: pongs alone").isEmpty();
        after(50);
        long third = ping(3);
        List<ServerMessage> got = link.take();
        assertThat(got).extracting(ServerMessage::decoded)
                .containsExactly(new MsgsAck(List.of(first, second, third)), new Pong(third, 3));
        assertThat(got).allMatch(ServerMessage::inContainer);
        after(10 * DELAY.toMillis());
        assertThat(link.take()).as("the timer finds nothing left to acknowledge").isEmpty();
        assertThat(link.packets).hasSize(3);
    }

    @Test
    void aQueryAnsweredWithinTheDelayNeedsNoAck() {
        long q = h.nextMsgId();
        h.send(link, SESSION, q, h.seq(SESSION, true), QUERY);
        List<ServerMessage> got = link.take();
        assertThat(got).extracting(ServerMessage::constructorId).containsExactly(ServiceIds.RPC_RESULT);
        after(10 * DELAY.toMillis());
        assertThat(link.take()).isEmpty();
    }

    @Test
    void aSlowQueryIsAcknowledgedAfterTheDelayAndAnsweredLater() {
        AtomicReference<RpcReply> held = new AtomicReference<>();
        h.invoker.set((call, reply) -> held.set(reply));
        long q = h.nextMsgId();
        h.send(link, SESSION, q, h.seq(SESSION, true), QUERY);
        assertThat(link.take()).isEmpty();
        after(DELAY.toMillis());
        assertThat(ackedIds(link.take())).containsExactly(q);
        held.get().complete(SessionHarness.echo(null));
        assertThat(link.take()).extracting(ServerMessage::constructorId).containsExactly(ServiceIds.RPC_RESULT);
    }

    @Test
    void manyWaitingAcksLeaveAtOnce() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < Session.ACKS_AT_ONCE; i++) {
            ids.add(ping(i));
        }
        assertThat(ackedIds(link.take())).containsExactlyElementsOf(ids);
    }

    @Test
    void acksWaitingWhenTheConnectionClosesGoOutOnTheNextOne() {
        long m = ping(1);
        link.take();
        link.open = false;
        after(DELAY.toMillis());
        assertThat(link.take()).as("closed: nothing written").isEmpty();
        FakeLink next = new FakeLink();
        next.now = h.clock::millis;
        long m2 = h.nextMsgId();
        h.send(next, SESSION, m2, h.seq(SESSION, false), tl(new Ping(2)));
        assertThat(ackedIds(next.take())).containsExactly(m);
    }

    @Test
    void zeroDelayAcknowledgesWithEveryAnswer() {
        SessionHarness now = new SessionHarness(withAckDelay(Duration.ZERO));
        FakeLink l = new FakeLink();
        long m = now.nextMsgId();
        now.send(l, SESSION, m, now.seq(SESSION, true), tl(new Ping(5)));
        assertThat(ackedIds(l.take())).containsExactly(m);
        assertThat(l.timersArmed()).isZero();
    }
}
