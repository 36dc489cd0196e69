package io.mtgate.session;

import static io.mtgate.session.SessionHarness.tl;
import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.session.SessionHarness.FakeLink;
import io.mtgate.session.SessionHarness.ServerMessage;
import io.mtgate.tl.TlWriter;
import io.mtgate.tl.mtproto.DestroyAuthKey;
import io.mtgate.tl.mtproto.DestroyAuthKeyFail;
import io.mtgate.tl.mtproto.DestroyAuthKeyOk;
import io.mtgate.tl.mtproto.DestroySession;
import io.mtgate.tl.mtproto.DestroySessionNone;
import io.mtgate.tl.mtproto.DestroySessionOk;
import io.mtgate.tl.mtproto.FutureSalt;
import io.mtgate.tl.mtproto.FutureSalts;
import io.mtgate.tl.mtproto.GetFutureSalts;
import io.mtgate.tl.mtproto.HttpWait;
import io.mtgate.tl.mtproto.MsgResendReq;
import io.mtgate.tl.mtproto.MsgsAck;
import io.mtgate.tl.mtproto.MsgsStateInfo;
import io.mtgate.tl.mtproto.MsgsStateReq;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.PingDelayDisconnect;
import io.mtgate.tl.mtproto.Pong;
import io.mtgate.tl.mtproto.RpcAnswerDropped;
import io.mtgate.tl.mtproto.RpcAnswerDroppedRunning;
import io.mtgate.tl.mtproto.RpcAnswerUnknown;
import io.mtgate.tl.mtproto.RpcDropAnswer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Checklist section 4: each service message and the acknowledgement/resend rules of 3.8. */
class ServiceMessagesTest {
    private static final long SESSION = 0xabcdefL;
    private static final byte[] QUERY = {1, 0, 0, 0};

    private final SessionHarness h = new SessionHarness();
    private final FakeLink link = new FakeLink();

    private void open() {
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(1)));
        link.take();
    }

    private static byte[] rpcResultPayload(ServerMessage m) {
        return java.util.Arrays.copyOfRange(m.body(), 12, m.body().length);
    }

    private static long reqMsgId(ServerMessage m) {
        return ServiceIds.longLE(m.body(), 4);
    }

    @Test
    void pingDelayDisconnectAnswersPongAndArmsTheTimer() {
        open();
        long m = h.nextMsgId();
        h.send(link, SESSION, m, h.seq(SESSION, false), tl(new PingDelayDisconnect(5, 75)));
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new Pong(m, 5));
        assertThat(link.disconnects).containsExactly(Duration.ofSeconds(75));
    }

    @Test
    void contentRelatedServiceMessagesAreAcknowledged() {
        open();
        long m = h.nextMsgId();
        h.send(link, SESSION, m, h.seq(SESSION, true), tl(new Ping(5)));
        List<ServerMessage> got = link.take();
        assertThat(got).extracting(ServerMessage::decoded).contains(new Pong(m, 5), new MsgsAck(List.of(m)));
    }

    @Test
    void futureSaltsAreOrderedOverlappingAndAccepted() {
        open();
        long m = h.nextMsgId();
        h.send(link, SESSION, m, h.seq(SESSION, false), tl(new GetFutureSalts(3)));
        List<ServerMessage> got = link.take();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).contentRelated()).isFalse();
        FutureSalts fs = (FutureSalts) got.get(0).decoded();
        assertThat(fs.reqMsgId()).isEqualTo(m);
        assertThat(fs.now()).isEqualTo((int) h.clock.instant().getEpochSecond());
        assertThat(fs.salts()).hasSize(3);
        assertThat(fs.salts().get(0).salt()).isEqualTo(h.salt());
        for (int i = 1; i < 3; i++) {
            FutureSalt prev = fs.salts().get(i - 1);
            FutureSalt next = fs.salts().get(i);
            assertThat(next.validSince()).isGreaterThan(prev.validSince());
            assertThat(next.validSince()).as("windows overlap").isLessThan(prev.validUntil());
        }
        // each salt is accepted inside its own window
        for (FutureSalt s : fs.salts()) {
            java.time.Instant at = java.time.Instant.ofEpochSecond(s.validSince() + 1);
            assertThat(h.salts.accepts(SessionHarness.KEY_ID, s.salt(), at)).isTrue();
        }
        // the wire form is a bare vector of bare future_salt: count, then 16-byte items
        byte[] body = got.get(0).body();
        assertThat(body.length).isEqualTo(4 + 8 + 4 + 4 + 3 * 16);
        // num is capped at 64
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new GetFutureSalts(1000)));
        assertThat(((FutureSalts) link.take().get(0).decoded()).salts()).hasSize(64);
    }

    @Test
    void destroySessionOkForAnotherSessionAndNoneOtherwise() {
        open();
        FakeLink other = new FakeLink();
        h.send(other, 777L, h.nextMsgId(), h.seq(777L, false), tl(new Ping(1)));
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new DestroySession(777L)));
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new DestroySessionOk(777L));
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new DestroySession(777L)));
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new DestroySessionNone(777L));
        // the destroyed session starts over: its next message gets new_session_created again
        other.take();
        h.send(other, 777L, h.nextMsgId(), h.seq(777L, false), tl(new Ping(2)));
        assertThat(other.take()).extracting(ServerMessage::constructorId).contains(0x9ec20908);
    }

    @Test
    void destroyAuthKeyAnswersOkThenTheKeyIsGone() {
        open();
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new DestroyAuthKey()));
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new DestroyAuthKeyOk());
        assertThat(h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(1))))
                .isEqualTo(SessionManager.Outcome.KEY_DESTROYED);
        assertThat(h.manager.push(SessionHarness.KEY_ID, 777L, tl(new Ping(1)))).isFalse();
    }

    @Test
    void destroyAuthKeyFailureKeepsTheSession() {
        h.destroyResult.set(KeyLifecycle.DestroyResult.FAILED);
        open();
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new DestroyAuthKey()));
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new DestroyAuthKeyFail());
        assertThat(h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(1)))).isEqualTo(SessionManager.Outcome.ACCEPTED);
    }

    @Test
    void msgsStateReqReportsEachIdAndActsAsAck() {
        open();
        long before = h.nextMsgId();
        long service = h.nextMsgId();
        h.send(link, SESSION, service, h.seq(SESSION, false), tl(new Ping(1)));
        long query = h.nextMsgId();
        h.send(link, SESSION, query, h.seq(SESSION, true), QUERY);
        long gap = h.nextMsgId();
        long last = h.nextMsgId();
        h.send(link, SESSION, last, h.seq(SESSION, false), tl(new Ping(1)));
        long future = h.nextMsgId() + (10L << 32);
        link.take();
        long req = h.nextMsgId();
        h.send(link, SESSION, req, h.seq(SESSION, false), tl(new MsgsStateReq(List.of(service, query, gap, future, before))));
        List<ServerMessage> got = link.take();
        MsgsStateInfo info = (MsgsStateInfo) got.get(0).decoded();
        assertThat(info.reqMsgId()).isEqualTo(req);
        assertThat(info.info()).containsExactly(
                4 | 16,               // received, not content-related
                4 | 8 | 32 | 64,      // received, acked, an RPC, answered
                2,                    // not received, inside the remembered range
                3,                    // not received, too high
                2);                   // below the first remembered but the window never dropped anything: 2
    }

    @Test
    void unacknowledgedAnswersAreResentOnTheNextConnectionUntilAcked() {
        open();
        long q = h.nextMsgId();
        h.send(link, SESSION, q, h.seq(SESSION, true), QUERY);
        ServerMessage answer = link.ofType(ServiceIds.RPC_RESULT).get(0);
        link.take();
        link.open = false;
        FakeLink second = new FakeLink();
        h.send(second, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(2)));
        List<ServerMessage> resent = second.ofType(ServiceIds.RPC_RESULT);
        assertThat(resent).hasSize(1);
        assertThat(reqMsgId(resent.get(0))).isEqualTo(q);
        assertThat(resent.get(0).msgId()).isNotEqualTo(answer.msgId());
        second.take();
        // an ack of either msg_id settles it: nothing is resent on a third connection
        h.send(second, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new MsgsAck(List.of(answer.msgId()))));
        FakeLink third = new FakeLink();
        second.open = false;
        h.send(third, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(3)));
        assertThat(third.ofType(ServiceIds.RPC_RESULT)).isEmpty();
        assertThat(h.manager.unacked(SessionHarness.KEY_ID, SESSION))
                .as("only new_session_created, which this test never acknowledges").isEqualTo(1);
    }

    @Test
    void oversizeAckVectorIsMinus429() {
        open();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 8193; i++) {
            ids.add((long) i * 4);
        }
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new MsgsAck(ids)));
        assertThat(link.failures).containsExactly(-429);
    }

    @Test
    void msgResendReqResendsKnownMessagesAndReportsStateForUnknownOnes() {
        open();
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, true), QUERY);
        ServerMessage answer = link.ofType(ServiceIds.RPC_RESULT).get(0);
        link.take();
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new MsgResendReq(List.of(answer.msgId()))));
        List<ServerMessage> again = link.take();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).constructorId()).isEqualTo(ServiceIds.RPC_RESULT);
        assertThat(again.get(0).msgId()).isNotEqualTo(answer.msgId());
        long req = h.nextMsgId();
        h.send(link, SESSION, req, h.seq(SESSION, false), tl(new MsgResendReq(List.of(again.get(0).msgId(), 0x1235L))));
        MsgsStateInfo info = (MsgsStateInfo) link.take().get(0).decoded();
        assertThat(info.reqMsgId()).isEqualTo(req);
        assertThat(info.info()).containsExactly(4, 1);
    }

    @Test
    void msgResendAnsReqResendsAnswersAndReportsState() {
        open();
        long q = h.nextMsgId();
        h.send(link, SESSION, q, h.seq(SESSION, true), QUERY);
        link.take();
        ByteBuf buf = Unpooled.buffer();
        TlWriter w = new TlWriter(buf);
        w.writeInt(0x8610baeb);
        w.writeInt(0x1cb5c415);
        w.writeInt(1);
        w.writeLong(q);
        byte[] req = new byte[buf.readableBytes()];
        buf.readBytes(req);
        long reqId = h.nextMsgId();
        h.send(link, SESSION, reqId, h.seq(SESSION, false), req);
        List<ServerMessage> got = link.take();
        assertThat(got).extracting(ServerMessage::constructorId).containsExactly(ServiceIds.RPC_RESULT, 0x04deb57d);
        assertThat(reqMsgId(got.get(0))).isEqualTo(q);
    }

    @Test
    void rpcDropAnswerUnknownRunningAndDropped() {
        AtomicReference<RpcReply> held = new AtomicReference<>();
        h.invoker.set((call, reply) -> held.set(reply));
        open();
        // 1. nothing known
        long drop1 = h.nextMsgId();
        h.send(link, SESSION, drop1, h.seq(SESSION, false), tl(new RpcDropAnswer(0x4444L)));
        List<ServerMessage> got = link.ofType(ServiceIds.RPC_RESULT);
        assertThat(reqMsgId(got.get(0))).isEqualTo(drop1);
        assertThat(SessionHarness.decode(rpcResultPayload(got.get(0)))).isEqualTo(new RpcAnswerUnknown());
        link.take();
        // 2. still running: both the drop request and the original query get dropped_running
        long q = h.nextMsgId();
        h.send(link, SESSION, q, h.seq(SESSION, true), QUERY);
        long drop2 = h.nextMsgId();
        h.send(link, SESSION, drop2, h.seq(SESSION, false), tl(new RpcDropAnswer(q)));
        got = link.ofType(ServiceIds.RPC_RESULT);
        assertThat(got).extracting(SessionRulesTestSupport::reqMsgId).containsExactlyInAnyOrder(q, drop2);
        assertThat(got).allSatisfy(m -> assertThat(SessionHarness.decode(rpcResultPayload(m)))
                .isEqualTo(new RpcAnswerDroppedRunning()));
        link.take();
        held.get().complete(SessionHarness.echo(null)); // a late answer is dropped
        assertThat(link.take()).isEmpty();
        // 3. answered but not acknowledged: the answer is removed from the queue
        h.invoker.set((call, reply) -> reply.complete(SessionHarness.echo(call)));
        long q3 = h.nextMsgId();
        h.send(link, SESSION, q3, h.seq(SESSION, true), QUERY);
        ServerMessage answer = link.ofType(ServiceIds.RPC_RESULT).get(0);
        link.take();
        long drop3 = h.nextMsgId();
        h.send(link, SESSION, drop3, h.seq(SESSION, false), tl(new RpcDropAnswer(q3)));
        ServerMessage r = link.ofType(ServiceIds.RPC_RESULT).get(0);
        assertThat(SessionHarness.decode(rpcResultPayload(r)))
                .isEqualTo(new RpcAnswerDropped(answer.msgId(), answer.seqno(), answer.body().length));
        // the dropped answer is no longer resent on a new connection
        link.take();
        link.open = false;
        FakeLink next = new FakeLink();
        h.send(next, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new MsgsAck(List.of(r.msgId()))));
        assertThat(next.ofType(ServiceIds.RPC_RESULT)).extracting(SessionRulesTestSupport::reqMsgId)
                .doesNotContain(q3);
    }

    @Test
    void httpWaitIsRemembered() {
        open();
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new HttpWait(10, 20, 25000)));
        assertThat(h.manager.httpWait(SessionHarness.KEY_ID, SESSION)).contains(new HttpWait(10, 20, 25000));
        assertThat(link.take()).isEmpty();
    }

    @Test
    void awaitQueryReportsSuccessFailureAndLaterArrivals() throws Exception {
        AtomicReference<RpcCall> lastCall = new AtomicReference<>();
        h.invoker.set((call, reply) -> {
            lastCall.set(call);
            reply.complete(call.query()[0] == 2 ? RpcErrors.of(400, "BAD") : SessionHarness.echo(call));
        });
        open();
        long ok = h.nextMsgId();
        h.send(link, SESSION, ok, h.seq(SESSION, true), QUERY);
        long failed = h.nextMsgId();
        h.send(link, SESSION, failed, h.seq(SESSION, true), new byte[] {2, 0, 0, 0});
        SessionQueries queries = lastCall.get().session();
        assertThat(queries.awaitQuery(ok).toCompletableFuture().get()).isEqualTo(SessionQueries.QueryOutcome.SUCCEEDED);
        assertThat(queries.awaitQuery(failed).toCompletableFuture().get()).isEqualTo(SessionQueries.QueryOutcome.FAILED);
        long later = h.nextMsgId();
        CompletionStage<SessionQueries.QueryOutcome> waiting = queries.awaitQuery(later);
        assertThat(waiting.toCompletableFuture()).isNotDone();
        h.send(link, SESSION, later, h.seq(SESSION, true), QUERY);
        assertThat(waiting.toCompletableFuture().get()).isEqualTo(SessionQueries.QueryOutcome.SUCCEEDED);
    }

    @Test
    void slowAnswersAreAcknowledgedAtOnceAndAnsweredLater() {
        CompletableFuture<Void> release = new CompletableFuture<>();
        h.invoker.set((call, reply) -> release.thenRun(() -> reply.complete(SessionHarness.echo(call))));
        open();
        long q = h.nextMsgId();
        h.send(link, SESSION, q, h.seq(SESSION, true), QUERY);
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new MsgsAck(List.of(q)));
        release.complete(null);
        List<ServerMessage> got = link.take();
        assertThat(got).hasSize(1);
        assertThat(reqMsgId(got.get(0))).isEqualTo(q);
    }

    @Test
    void invokerExceptionBecomesInternalError() {
        h.invoker.set((call, reply) -> {
            throw new IllegalStateException("secret detail");
        });
        open();
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, true), QUERY);
        ServerMessage r = link.ofType(ServiceIds.RPC_RESULT).get(0);
        assertThat(rpcResultPayload(r)).isEqualTo(RpcErrors.internal());
    }

    @Test
    void pushReachesLiveSessionsAndWaitsForTheNextOneOtherwise() {
        byte[] update = tl(new Pong(1, 2)); // any TL object stands for an update here
        assertThat(h.manager.push(SessionHarness.KEY_ID, update)).isZero(); // no session yet: queued
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(1))); // the first session gets it
        List<ServerMessage> first = link.take();
        assertThat(first).extracting(ServerMessage::constructorId).contains(0x347773c5);
        assertThat(first.stream().filter(m -> java.util.Arrays.equals(m.body(), update)).toList())
                .hasSize(1).allSatisfy(m -> {
                    assertThat(m.contentRelated()).isTrue();
                    assertThat(m.msgId() & 3).as("server-initiated: ≡ 3 mod 4").isEqualTo(3);
                });
        FakeLink l2 = new FakeLink();
        h.send(l2, 999L, h.nextMsgId(), h.seq(999L, false), tl(new Ping(1)));
        assertThat(l2.take()).extracting(ServerMessage::body).doesNotContain(update);
        // both sessions live now: a push reaches each
        assertThat(h.manager.push(SessionHarness.KEY_ID, update)).isEqualTo(2);
        assertThat(link.take()).extracting(ServerMessage::body).containsExactly(update);
        assertThat(l2.take()).extracting(ServerMessage::body).containsExactly(update);
        // one session only
        assertThat(h.manager.push(SessionHarness.KEY_ID, SESSION, update)).isTrue();
        assertThat(link.take()).hasSize(1);
        assertThat(l2.take()).isEmpty();
    }

    @Test
    void queuedPushesExpire() {
        byte[] update = tl(new Pong(1, 2));
        h.manager.push(SessionHarness.KEY_ID, update);
        h.clock.advance(Duration.ofMinutes(11));
        h.send(link, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(1)));
        assertThat(link.take()).extracting(ServerMessage::body).doesNotContain(update);
    }

    @Test
    void sweepForgetsIdleSessionsWithoutAConnection() {
        open();
        link.open = false;
        h.manager.detach(SessionHarness.KEY_ID, SESSION, link);
        h.clock.advance(Duration.ofMinutes(11));
        h.manager.sweep();
        assertThat(h.manager.sessionCount()).isZero();
        FakeLink again = new FakeLink();
        h.send(again, SESSION, h.nextMsgId(), h.seq(SESSION, false), tl(new Ping(1)));
        assertThat(again.take()).extracting(ServerMessage::constructorId).contains(0x9ec20908);
    }

    @Test
    void malformedServiceMessageIsDroppedButAcknowledged() {
        open();
        long m = h.nextMsgId();
        h.send(link, SESSION, m, h.seq(SESSION, true), new byte[] {(byte) 0xec, 0x77, (byte) 0xbe, 0x7a}); // ping without its ping_id
        assertThat(link.take()).extracting(ServerMessage::decoded).containsExactly(new MsgsAck(List.of(m)));
    }

    @Test
    void sessionsAreSeparateAndLimitedPerKey() {
        open();
        FakeLink l2 = new FakeLink();
        h.send(l2, 2L, h.nextMsgId(), h.seq(2L, true), QUERY);
        assertThat(l2.ofType(ServiceIds.RPC_RESULT)).hasSize(1);
        assertThat(link.take()).as("never deliver a message of session B on a connection of session A").isEmpty();
        for (long s = 100; s < 200; s++) {
            h.send(new FakeLink(), s, h.nextMsgId(), 0, tl(new Ping(1)));
        }
        assertThat(h.manager.sessionCount()).isEqualTo(SessionConfig.DEFAULT.maxSessionsPerKey());
    }
}
