package io.mtgate.session;

import io.mtgate.session.ServiceIds.Kind;
import io.mtgate.tl.GzipPacked;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlDecodeException;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.mtproto.BadMsgNotification;
import io.mtgate.tl.mtproto.BadServerSalt;
import io.mtgate.tl.mtproto.DestroyAuthKeyFail;
import io.mtgate.tl.mtproto.DestroyAuthKeyNone;
import io.mtgate.tl.mtproto.DestroyAuthKeyOk;
import io.mtgate.tl.mtproto.DestroySession;
import io.mtgate.tl.mtproto.DestroySessionNone;
import io.mtgate.tl.mtproto.DestroySessionOk;
import io.mtgate.tl.mtproto.FutureSalt;
import io.mtgate.tl.mtproto.FutureSalts;
import io.mtgate.tl.mtproto.GetFutureSalts;
import io.mtgate.tl.mtproto.HttpWait;
import io.mtgate.tl.mtproto.MsgDetailedInfo;
import io.mtgate.tl.mtproto.MsgResendReq;
import io.mtgate.tl.mtproto.MsgsAck;
import io.mtgate.tl.mtproto.MsgsStateInfo;
import io.mtgate.tl.mtproto.MsgsStateReq;
import io.mtgate.tl.mtproto.NewSessionCreated;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.PingDelayDisconnect;
import io.mtgate.tl.mtproto.Pong;
import io.mtgate.tl.mtproto.RpcAnswerDropped;
import io.mtgate.tl.mtproto.RpcAnswerDroppedRunning;
import io.mtgate.tl.mtproto.RpcAnswerUnknown;
import io.mtgate.tl.mtproto.RpcDropAnswer;
import io.mtgate.tl.mtproto.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MTProto session (auth key + client session_id): the receive rules of checklist 3.3-3.7, the
 * service messages of section 4, and the server's outgoing queue with acknowledgements and resends
 * (3.8). All state is guarded by this object's monitor; RPC handlers and other sessions are called
 * only after it is released, so no lock is ever held across two sessions or into application code.
 */
final class Session implements SessionQueries {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    // Received-message flags (msgs_state_info, checklist 4.2).
    private static final int F_CONTENT_RELATED = 1;
    private static final int F_RPC = 2;
    private static final int F_ACKED_BY_SERVER = 4;
    private static final int F_ANSWERED = 8;
    private static final int F_ANSWER_ACKED = 16;

    private static final int MAX_WAITERS = 1024;


    /** A server message: queued, sent and waiting for its ack, or answered-and-kept for duplicates. */
    static final class Out {
        byte[] body;
        final boolean contentRelated;
        final boolean answer;
        /** For rpc_result: the client query's msg_id. */
        final long reqMsgId;
        final long queuedAtMillis;
        final int size;
        long msgId;
        int seqno;
        long[] ids = new long[0];
        boolean acked;

        Out(byte[] body, boolean contentRelated, boolean answer, long reqMsgId, long queuedAtMillis) {
            this.body = body;
            this.contentRelated = contentRelated;
            this.answer = answer;
            this.reqMsgId = reqMsgId;
            this.queuedAtMillis = queuedAtMillis;
            this.size = body.length;
        }
    }

    /** What {@link #receive} leaves to run once the monitor is released. */
    static final class Deferred {
        final List<RpcCall> calls = new ArrayList<>(1);
        final List<Runnable> actions = new ArrayList<>(0);
    }

    private final SessionRuntime rt;
    private final KeySessions owner;
    final SessionKey key;
    final long id;

    private final ReplayWindow received;
    private boolean announced;
    /** first_msg_id of the last new_session_created: the lowest client msg_id processed so far. */
    private long firstMsgId;
    /** unique_id of every new_session_created of this session (random per creation). */
    private long uniqueId;
    private int serverSeq;

    private final ArrayDeque<Out> pending = new ArrayDeque<>();
    private final LinkedHashSet<Out> unacked = new LinkedHashSet<>();
    private final Map<Long, Out> byServerId = new HashMap<>();
    private final LinkedHashSet<Long> toAck = new LinkedHashSet<>();
    /** When the oldest entry of {@link #toAck} was added (clock millis); meaningless while it is empty. */
    private long oldestAckMillis;
    /** The ack timer armed for this deadline (clock millis), or {@link #NO_TIMER}. */
    private long ackTimerAt = NO_TIMER;
    private static final long NO_TIMER = Long.MIN_VALUE;

    private final Map<Long, Boolean> running = new HashMap<>();
    private final LinkedHashMap<Long, Out> answers;
    private final LinkedHashMap<Long, QueryOutcome> outcomes;
    private final Map<Long, List<CompletableFuture<QueryOutcome>>> waiters = new HashMap<>();
    private int waiterCount;

    private final ArrayDeque<SessionLink> links = new ArrayDeque<>(2);
    private long lastActivityMillis;
    private int dispatching;
    private HttpWait httpWait;
    /** Unanswered requests on this session's HTTP connections (null until the first one). */
    private Map<SessionLink, LongPollTurn> turns;
    private boolean closed;

    Session(SessionRuntime rt, KeySessions owner, SessionKey key, long id) {
        this.rt = rt;
        this.owner = owner;
        this.key = key;
        this.id = id;
        int window = rt.config().replayWindow();
        this.received = new ReplayWindow(window);
        this.answers = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Out> eldest) {
                return size() > window;
            }
        };
        this.outcomes = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, QueryOutcome> eldest) {
                return size() > window * 4;
            }
        };
        this.lastActivityMillis = rt.clock().millis();
    }

    // ------------------------------------------------------------------ receive

    /**
     * Applies the session rules to one decrypted client message arriving on {@code link}.
     *
     * @return true when the message was accepted for processing (a quick ACK may be sent)
     */
    boolean receive(DecryptedMessage m, SessionLink link) {
        Deferred deferred = new Deferred();
        boolean accepted;
        synchronized (this) {
            if (closed) {
                return false;
            }
            bind(link);
            lastActivityMillis = rt.clock().millis();
            if (link instanceof LongPollLink poll) {
                openTurn(poll);
            }
            accepted = receiveLocked(m, link, deferred);
            if (!deferred.calls.isEmpty()) {
                dispatching++;
            } else {
                flushLocked();
            }
        }
        runDeferred(deferred);
        return accepted;
    }

    private void runDeferred(Deferred deferred) {
        for (Runnable r : deferred.actions) {
            r.run();
        }
        if (deferred.calls.isEmpty()) {
            return;
        }
        try {
            for (RpcCall call : deferred.calls) {
                long msgId = call.msgId();
                try {
                    rt.invoker().invoke(call, result -> onRpcResult(msgId, result));
                } catch (RuntimeException e) {
                    log.warn("RPC invoker threw for a query: {}", e.toString());
                    onRpcResult(msgId, RpcErrors.internal());
                }
            }
        } finally {
            synchronized (this) {
                dispatching--;
                flushLocked();
            }
        }
    }

    private boolean receiveLocked(DecryptedMessage m, SessionLink link, Deferred deferred) {
        long msgId = m.msgId();
        int seqno = m.seqno();
        byte[] body = m.body();
        if (body.length < 4) {
            return false; // nothing to classify; the envelope allowed an empty body, we ignore it
        }
        int ctor = ServiceIds.intLE(body, 0);
        Instant now = rt.clock().instant();
        // checklist 3.4: parity, time window (outer message only), replay
        if ((msgId & 3) != 0) {
            return refuse(msgId, seqno, 18);
        }
        long seconds = msgId >>> 32;
        if (seconds < now.getEpochSecond() - rt.config().maxPast().toSeconds()) {
            return refuse(msgId, seqno, 16);
        }
        if (seconds > now.getEpochSecond() + rt.config().maxFuture().toSeconds()) {
            return refuse(msgId, seqno, 17);
        }
        int seen = received.indexOf(msgId);
        if (seen >= 0) {
            if (ctor == ServiceIds.MSG_CONTAINER) {
                return refuse(msgId, seqno, 19);
            }
            duplicate(msgId, received.flagsAt(seen));
            return false;
        }
        if (tooOldToVerify(msgId)) {
            return refuse(msgId, seqno, 20);
        }
        // checklist 3.5: parity of seqno by content, then order against remembered neighbours
        byte[] content = body;
        if (ctor == ServiceIds.GZIP_PACKED) {
            content = unpackOrNull(body);
            if (content == null) {
                return refuse(msgId, seqno, Container.INVALID);
            }
            ctor = ServiceIds.intLE(content, 0);
            if (ctor == ServiceIds.MSG_CONTAINER) {
                return refuse(msgId, seqno, Container.INVALID);
            }
        }
        int parity = parityError(ctor, seqno);
        if (parity != 0) {
            return refuse(msgId, seqno, parity);
        }
        int order = orderError(msgId, seqno);
        if (order != 0) {
            return refuse(msgId, seqno, order);
        }
        // checklist 3.6
        if (!rt.salts().accepts(key.id(), m.salt(), now)) {
            rt.events().badMessage(48);
            enqueue(Tl.serialize(new BadServerSalt(msgId, seqno, 48, rt.salts().current(key.id(), now))), false, true, 0);
            return false;
        }
        // checklist 4.1
        if (ctor == ServiceIds.MSG_CONTAINER) {
            Container.Parsed parsed = Container.parse(content, msgId, seqno, rt.config().maxContainerMessages());
            if (parsed.errorCode() == Container.TOO_MANY) {
                link.fail(-429);
                return false;
            }
            if (!parsed.ok()) {
                return refuse(msgId, seqno, parsed.errorCode());
            }
            if (!announced) {
                // the session's first message; later containers announce lower ids one by one
                // as they are accepted (receiveInner), so a refused one is never announced
                announce(parsed.messages().isEmpty() ? msgId : lowestId(parsed.messages()));
            }
            for (Container.Inner inner : parsed.messages()) {
                receiveInner(inner, link, deferred);
            }
            remember(msgId, seqno, 0);
            return true;
        }
        announce(msgId);
        rt.events().messageAccepted();
        Kind kind = ServiceIds.kindOf(ctor);
        remember(msgId, seqno, flagsFor(kind, seqno));
        process(msgId, seqno, ctor, content, link, deferred);
        return true;
    }

    /** A message inside an accepted container: replay, parity and order are checked one by one. */
    private void receiveInner(Container.Inner inner, SessionLink link, Deferred deferred) {
        long msgId = inner.msgId();
        int seqno = inner.seqno();
        int seen = received.indexOf(msgId);
        if (seen >= 0) {
            duplicate(msgId, received.flagsAt(seen));
            return;
        }
        if (tooOldToVerify(msgId)) {
            refuse(msgId, seqno, 20);
            return;
        }
        byte[] content = inner.body();
        int ctor = ServiceIds.intLE(content, 0);
        if (ctor == ServiceIds.GZIP_PACKED) {
            content = unpackOrNull(content);
            if (content == null || ServiceIds.intLE(content, 0) == ServiceIds.MSG_CONTAINER) {
                refuse(msgId, seqno, Container.INVALID);
                return;
            }
            ctor = ServiceIds.intLE(content, 0);
        }
        int parity = parityError(ctor, seqno);
        if (parity != 0) {
            refuse(msgId, seqno, parity);
            return;
        }
        int order = orderError(msgId, seqno);
        if (order != 0) {
            refuse(msgId, seqno, order);
            return;
        }
        remember(msgId, seqno, flagsFor(ServiceIds.kindOf(ctor), seqno));
        rt.events().messageAccepted();
        announce(msgId);
        process(msgId, seqno, ctor, content, link, deferred);
    }

    private static long lowestId(List<Container.Inner> messages) {
        long lowest = messages.get(0).msgId();
        for (Container.Inner m : messages) {
            if (Long.compareUnsigned(m.msgId(), lowest) < 0) {
                lowest = m.msgId();
            }
        }
        return lowest;
    }

    private byte[] unpackOrNull(byte[] gzipPackedBody) {
        try {
            byte[] packed = Tl.deserializeBytesField(gzipPackedBody, 4, rt.limits());
            byte[] out = GzipPacked.unpack(packed, rt.config().maxUnpackedSize());
            return out.length >= 4 && (out.length & 3) == 0 ? out : null;
        } catch (TlDecodeException e) {
            return null;
        }
    }

    private static int flagsFor(Kind kind, int seqno) {
        int f = (seqno & 1) != 0 ? F_CONTENT_RELATED : 0;
        return kind == Kind.QUERY ? f | F_RPC : f;
    }

    private static int parityError(int ctor, int seqno) {
        Kind kind = ServiceIds.kindOf(ctor);
        boolean odd = (seqno & 1) != 0;
        if (kind == Kind.NEVER_CONTENT_RELATED && odd) {
            return 34;
        }
        if (kind == Kind.QUERY && !odd) {
            return 35;
        }
        return 0;
    }

    /**
     * Seqno order (checklist 3.5): a message must not carry a lower seqno than one with a lower
     * msg_id (32), nor a higher one than one with a higher msg_id (33); equal is allowed only for
     * even (non content-related) seqnos.
     */
    private int orderError(long msgId, int seqno) {
        long before = received.seqnoBefore(msgId);
        if (before != ReplayWindow.NONE && (before > seqno || (before == seqno && (seqno & 1) != 0))) {
            return 32;
        }
        long after = received.seqnoAfter(msgId);
        if (after != ReplayWindow.NONE && (after < seqno || (after == seqno && (seqno & 1) != 0))) {
            return 33;
        }
        return 0;
    }

    private boolean tooOldToVerify(long msgId) {
        return received.evicted() && !received.isEmpty() && msgId < received.first();
    }

    private void remember(long msgId, int seqno, int flags) {
        received.add(msgId, seqno, flags);
    }

    private boolean refuse(long msgId, int seqno, int code) {
        rt.events().badMessage(code);
        enqueue(Tl.serialize(new BadMsgNotification(msgId, seqno, code)), false, true, 0);
        return false;
    }

    /**
     * new_session_created before the first accepted message of a (re)created session, and again
     * for a message that arrives later with a msg_id below the announced first one (the client's
     * first messages may travel on different connections and arrive out of order), so that
     * first_msg_id always names the lowest message this session processed; clients resend what
     * they sent below it. Same unique_id: the session was not created again. Higher ids announce
     * nothing (Telegram's service-messages page; checklist section 4).
     */
    private void announce(long msgId) {
        if (announced && Long.compareUnsigned(msgId, firstMsgId) >= 0) {
            return;
        }
        if (!announced) {
            announced = true;
            uniqueId = rt.random().nextLong();
        }
        firstMsgId = msgId;
        long salt = rt.salts().current(key.id(), rt.clock().instant());
        enqueue(Tl.serialize(new NewSessionCreated(msgId, uniqueId, salt)), true, true, 0);
    }

    private void duplicate(long msgId, int seenFlags) {
        rt.events().duplicateMessage();
        Out answer = answers.get(msgId);
        if (answer == null) {
            // Still running (its answer will come) or not an RPC: it is not executed again, only
            // acknowledged so the client stops resending it.
            if ((seenFlags & F_CONTENT_RELATED) != 0 && !running.containsKey(msgId)) {
                ackLater(msgId);
            }
            return;
        }
        if (answer.body == null || answer.size > rt.config().largeAnswer()) {
            enqueue(Tl.serialize(new MsgDetailedInfo(msgId, answer.msgId, answer.size, 0)), false, true, 0);
        } else {
            resend(answer);
        }
    }

    // ------------------------------------------------------------------ service messages

    private void process(long msgId, int seqno, int ctor, byte[] content, SessionLink link, Deferred deferred) {
        boolean contentRelated = (seqno & 1) != 0;
        try {
            switch (ctor) {
                case ServiceIds.MSGS_ACK -> {
                    List<Long> ids = decode(content, MsgsAck.class).msgIds();
                    if (ids.size() > rt.config().maxVectorIds()) {
                        link.fail(-429);
                        return;
                    }
                    for (Long ack : ids) {
                        acknowledge(ack);
                    }
                }
                case ServiceIds.PING -> {
                    Ping ping = decode(content, Ping.class);
                    answerTopLevel(new Pong(msgId, ping.pingId()), msgId, contentRelated);
                }
                case ServiceIds.PING_DELAY_DISCONNECT -> {
                    PingDelayDisconnect ping = decode(content, PingDelayDisconnect.class);
                    answerTopLevel(new Pong(msgId, ping.pingId()), msgId, contentRelated);
                    int delay = ping.disconnectDelay();
                    link.armDisconnect(Duration.ofSeconds(Math.max(0, delay)));
                }
                case ServiceIds.GET_FUTURE_SALTS -> {
                    int num = decode(content, GetFutureSalts.class).num();
                    Instant now = rt.clock().instant();
                    List<FutureSalt> salts = new ArrayList<>();
                    for (SaltSource.FutureSalt s : rt.salts().future(key.id(), now, Math.max(1, num))) {
                        salts.add(new FutureSalt(s.validSince(), s.validUntil(), s.salt()));
                    }
                    answerTopLevel(new FutureSalts(msgId, (int) now.getEpochSecond(), salts), msgId, contentRelated);
                }
                case ServiceIds.DESTROY_SESSION -> {
                    long target = decode(content, DestroySession.class).sessionId();
                    if (contentRelated) {
                        ackLater(msgId);
                    }
                    deferred.actions.add(() -> {
                        boolean existed = target != id && owner.destroySession(target);
                        TlObject reply = existed ? new DestroySessionOk(target) : new DestroySessionNone(target);
                        synchronized (this) {
                            enqueue(Tl.serialize(reply), false, true, 0);
                            flushLocked();
                        }
                    });
                }
                case ServiceIds.DESTROY_AUTH_KEY -> {
                    if (contentRelated) {
                        ackLater(msgId);
                    }
                    deferred.actions.add(() -> rt.lifecycle().destroy(key.id(), result -> owner.keyDestroyed(this, result)));
                }
                case ServiceIds.MSGS_STATE_REQ -> {
                    List<Long> ids = decode(content, MsgsStateReq.class).msgIds();
                    if (ids.size() > rt.config().maxVectorIds()) {
                        link.fail(-429);
                        return;
                    }
                    markServerAcked(msgId);
                    enqueue(Tl.serialize(new MsgsStateInfo(msgId, clientStates(ids))), false, true, 0);
                }
                case ServiceIds.MSGS_ALL_INFO -> {
                    // voluntary information from the client; nothing to answer
                }
                case ServiceIds.MSG_RESEND_REQ -> {
                    List<Long> ids = decode(content, MsgResendReq.class).msgIds();
                    if (ids.size() > rt.config().maxVectorIds()) {
                        link.fail(-429);
                        return;
                    }
                    if (contentRelated) {
                        ackLater(msgId);
                    }
                    resendRequested(msgId, ids);
                }
                case ServiceIds.MSG_RESEND_ANS_REQ -> {
                    List<Long> ids = decodeIdVector(content);
                    if (ids.size() > rt.config().maxVectorIds()) {
                        link.fail(-429);
                        return;
                    }
                    markServerAcked(msgId);
                    for (Long q : ids) {
                        Out answer = answers.get(q);
                        if (answer != null && answer.body != null) {
                            resend(answer);
                        }
                    }
                    enqueue(Tl.serialize(new MsgsStateInfo(msgId, clientStates(ids))), false, true, 0);
                }
                case ServiceIds.RPC_DROP_ANSWER -> {
                    long req = decode(content, RpcDropAnswer.class).reqMsgId();
                    markServerAcked(msgId);
                    enqueueRpcResult(msgId, Tl.serialize(dropAnswer(req)));
                }
                case ServiceIds.HTTP_WAIT -> {
                    httpWait = decode(content, HttpWait.class);
                    LongPollTurn turn = turns == null ? null : turns.get(link);
                    if (turn != null) {
                        turn.apply(httpWait);
                    }
                }
                case ServiceIds.MSG_COPY -> copy(content, link, deferred);
                default -> {
                    running.put(msgId, Boolean.TRUE);
                    if (contentRelated) {
                        ackLater(msgId);
                    }
                    deferred.calls.add(new RpcCall(key, id, msgId, content, link.remoteAddress(), this));
                }
            }
        } catch (TlDecodeException | ClassCastException e) {
            // A malformed service message is dropped; a content-related one is still acknowledged so
            // the client does not resend it forever.
            log.debug("dropping a malformed service message {}: {}", Integer.toHexString(ctor), e.toString());
            if (contentRelated) {
                ackLater(msgId);
            }
        }
    }

    /** msg_copy: processed as the original unless that id was already received (then only acked). */
    private void copy(byte[] content, SessionLink link, Deferred deferred) {
        if (content.length < 4 + 16 + 4) {
            return;
        }
        long origId = ServiceIds.longLE(content, 4);
        int origSeqno = ServiceIds.intLE(content, 12);
        int len = ServiceIds.intLE(content, 16);
        if (len < 4 || (len & 3) != 0 || len != content.length - 20 || (origId & 3) != 0) {
            return;
        }
        if (received.contains(origId)) {
            if ((origSeqno & 1) != 0) {
                ackLater(origId);
            }
            return;
        }
        byte[] inner = java.util.Arrays.copyOfRange(content, 20, content.length);
        receiveInner(new Container.Inner(origId, origSeqno, inner), link, deferred);
    }

    private <T> T decode(byte[] content, Class<T> type) {
        return type.cast(Tl.deserialize(content, Schema.REGISTRY, rt.limits()));
    }

    /** msg_resend_ans_req#8610baeb msg_ids:Vector<long> (not in the generated schema). */
    private List<Long> decodeIdVector(byte[] content) {
        return Tl.deserializeLongVectorField(content, 4, rt.limits());
    }

    private void answerTopLevel(TlObject reply, long reqMsgId, boolean contentRelated) {
        if (contentRelated) {
            ackLater(reqMsgId);
        }
        enqueue(Tl.serialize(reply), false, true, 0);
    }

    private TlObject dropAnswer(long req) {
        if (running.remove(req) != null) {
            enqueueRpcResult(req, Tl.serialize(new RpcAnswerDroppedRunning()));
            complete(req, QueryOutcome.FAILED);
            return new RpcAnswerDroppedRunning();
        }
        Out answer = answers.get(req);
        if (answer != null && !answer.acked && (pending.contains(answer) || unacked.contains(answer))) {
            pending.remove(answer);
            unacked.remove(answer);
            forgetIds(answer);
            answers.remove(req);
            return new RpcAnswerDropped(answer.msgId, answer.seqno, answer.size);
        }
        return new RpcAnswerUnknown();
    }

    private void resendRequested(long reqMsgId, List<Long> ids) {
        List<Out> outs = new ArrayList<>(ids.size());
        boolean allKnown = true;
        for (Long sid : ids) {
            Out o = (sid & 3) == 0 ? null : byServerId.get(sid);
            if (o == null) {
                allKnown = false;
                break;
            }
            outs.add(o);
        }
        if (!allKnown) {
            byte[] info = new byte[ids.size()];
            for (int i = 0; i < info.length; i++) {
                Out o = byServerId.get(ids.get(i));
                info[i] = (byte) (o == null ? 1 : 4);
            }
            enqueue(Tl.serialize(new MsgsStateInfo(reqMsgId, info)), false, true, 0);
            return;
        }
        for (Out o : new LinkedHashSet<>(outs)) {
            resend(o);
        }
    }

    /** Status bytes of client messages for msgs_state_info (checklist 4.2). */
    private byte[] clientStates(List<Long> ids) {
        byte[] info = new byte[ids.size()];
        for (int i = 0; i < info.length; i++) {
            long q = ids.get(i);
            int r = received.indexOf(q);
            int s;
            if (r < 0) {
                if (running.containsKey(q)) {
                    s = 4 | 32;
                } else if (received.isEmpty() || q > received.last()) {
                    s = 3;
                } else if (q < received.first()) {
                    s = 1;
                } else {
                    s = 2;
                }
            } else {
                int f = received.flagsAt(r);
                s = 4;
                if ((f & F_CONTENT_RELATED) == 0) {
                    s |= 16;
                } else if ((f & F_ACKED_BY_SERVER) != 0) {
                    s |= 8;
                }
                if ((f & F_RPC) != 0) {
                    s |= 32;
                }
                if ((f & F_ANSWERED) != 0) {
                    s |= 64;
                }
                if ((f & F_ANSWER_ACKED) != 0) {
                    s |= 128;
                }
            }
            info[i] = (byte) s;
        }
        return info;
    }

    // ------------------------------------------------------------------ RPC answers

    private void onRpcResult(long msgId, byte[] result) {
        synchronized (this) {
            if (closed || running.remove(msgId) == null) {
                return; // dropped with rpc_drop_answer, or completed twice
            }
            boolean error = result.length >= 4 && ServiceIds.intLE(result, 0) == ServiceIds.RPC_ERROR;
            rt.events().rpcAnswered(error);
            Out out = enqueueRpcResult(msgId, result);
            answers.put(msgId, out);
            received.addFlags(msgId, F_ANSWERED | F_ACKED_BY_SERVER);
            complete(msgId, error ? QueryOutcome.FAILED : QueryOutcome.SUCCEEDED);
            if (dispatching == 0) {
                flushLocked();
            }
        }
    }

    private Out enqueueRpcResult(long reqMsgId, byte[] result) {
        byte[] body = new byte[12 + result.length];
        ServiceIds.putIntLE(body, 0, ServiceIds.RPC_RESULT);
        ServiceIds.putLongLE(body, 4, reqMsgId);
        System.arraycopy(result, 0, body, 12, result.length);
        toAck.remove(reqMsgId); // rpc_result acknowledges the query
        return enqueue(body, true, true, reqMsgId);
    }

    private void complete(long msgId, QueryOutcome outcome) {
        outcomes.put(msgId, outcome);
        List<CompletableFuture<QueryOutcome>> ws = waiters.remove(msgId);
        if (ws != null) {
            waiterCount -= ws.size();
            for (CompletableFuture<QueryOutcome> w : ws) {
                w.complete(outcome);
            }
        }
    }

    @Override
    public synchronized CompletionStage<QueryOutcome> awaitQuery(long msgId) {
        QueryOutcome known = outcomes.get(msgId);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        if (waiterCount >= MAX_WAITERS) {
            pruneCancelledWaiters();
            if (waiterCount >= MAX_WAITERS) {
                return CompletableFuture.completedFuture(QueryOutcome.FAILED);
            }
        }
        CompletableFuture<QueryOutcome> f = new CompletableFuture<>();
        waiters.computeIfAbsent(msgId, k -> new ArrayList<>(1)).add(f);
        waiterCount++;
        return f;
    }

    private void pruneCancelledWaiters() {
        for (Iterator<List<CompletableFuture<QueryOutcome>>> it = waiters.values().iterator(); it.hasNext(); ) {
            List<CompletableFuture<QueryOutcome>> ws = it.next();
            int before = ws.size();
            ws.removeIf(CompletableFuture::isDone);
            waiterCount -= before - ws.size();
            if (ws.isEmpty()) {
                it.remove();
            }
        }
    }

    // ------------------------------------------------------------------ outgoing queue

    private Out enqueue(byte[] body, boolean contentRelated, boolean answer, long reqMsgId) {
        Out out = new Out(body, contentRelated, answer, reqMsgId, rt.clock().millis());
        pending.add(out);
        if (contentRelated) {
            trimQueue();
        }
        return out;
    }

    /** Server-initiated content-related message (push): queued until acknowledged. */
    synchronized void push(byte[] body, long queuedAtMillis) {
        if (closed) {
            return;
        }
        Out out = new Out(body, true, false, 0, queuedAtMillis);
        pending.add(out);
        trimQueue();
        flushLocked();
    }

    /** Keeps at most maxQueuedMessages content-related messages; the oldest unacknowledged go first. */
    private void trimQueue() {
        int limit = rt.config().maxQueuedMessages();
        int dropped = 0;
        while (unacked.size() + countPendingContent() > limit && !unacked.isEmpty()) {
            Out oldest = unacked.iterator().next();
            unacked.remove(oldest);
            forgetIds(oldest);
            dropped++;
        }
        if (dropped > 0) {
            rt.events().queueDropped(dropped);
        }
    }

    private int countPendingContent() {
        int n = 0;
        for (Out o : pending) {
            if (o.contentRelated) {
                n++;
            }
        }
        return n;
    }

    private void ackLater(long clientMsgId) {
        if (toAck.isEmpty()) {
            oldestAckMillis = rt.clock().millis();
        }
        toAck.add(clientMsgId);
        markServerAcked(clientMsgId);
    }

    private void markServerAcked(long clientMsgId) {
        received.addFlags(clientMsgId, F_ACKED_BY_SERVER);
    }

    private void acknowledge(long serverMsgId) {
        Out out = byServerId.get(serverMsgId);
        if (out == null) {
            return; // unknown or already acknowledged ids are ignored (checklist 4)
        }
        out.acked = true;
        forgetIds(out);
        unacked.remove(out);
        pending.remove(out);
        if (out.reqMsgId != 0) {
            received.addFlags(out.reqMsgId, F_ANSWER_ACKED);
            // Only metadata is kept for a duplicate of an acknowledged query (msg_detailed_info).
            out.body = null;
        }
    }

    private void forgetIds(Out out) {
        for (long sid : out.ids) {
            byServerId.remove(sid);
        }
    }

    /** Sends an already numbered message again with a new msg_id (never the same id alone). */
    private void resend(Out out) {
        if (out.body == null) {
            return;
        }
        if (pending.contains(out)) {
            return;
        }
        boolean wasUnacked = unacked.remove(out);
        if (wasUnacked || !out.acked) {
            pending.add(out);
        } else {
            Out copy = new Out(out.body, out.contentRelated, out.answer, out.reqMsgId, rt.clock().millis());
            pending.add(copy);
        }
        rt.events().resent(1);
    }

    private void bind(SessionLink link) {
        if (links.peekFirst() == link) {
            return;
        }
        boolean known = links.remove(link);
        links.addFirst(link);
        if (!known && !unacked.isEmpty()) {
            // A new connection of this session: everything not yet acknowledged goes again (3.8).
            List<Out> again = new ArrayList<>(unacked);
            unacked.clear();
            for (int i = again.size() - 1; i >= 0; i--) {
                pending.addFirst(again.get(i));
            }
            rt.events().resent(again.size());
        }
    }

    /** Answers the request held on {@code link} at once (what is queued, or an empty container), then detaches it. */
    synchronized void release(SessionLink link) {
        if (!closed && link instanceof LongPollLink poll && turns != null && turns.containsKey(poll)) {
            answerNow(poll);
        }
        detach(link);
    }

    synchronized void detach(SessionLink link) {
        links.remove(link);
        if (turns != null) {
            turns.remove(link);
        }
        lastActivityMillis = rt.clock().millis();
    }

    /**
     * The connection to write to: the most recent open one that can take a message now, i.e. a
     * stream connection, or an HTTP connection with an unanswered request.
     */
    private SessionLink activeLink() {
        for (Iterator<SessionLink> it = links.iterator(); it.hasNext(); ) {
            SessionLink l = it.next();
            if (!l.isOpen()) {
                it.remove();
                if (turns != null) {
                    turns.remove(l);
                }
                continue;
            }
            if (!(l instanceof LongPollLink) || (turns != null && turns.containsKey(l))) {
                return l;
            }
        }
        return null;
    }

    /** Writes everything queued to the most recent connection that can take it (see activeLink). */
    void flushLocked() {
        if (closed) {
            return;
        }
        SessionLink link = activeLink();
        if (link instanceof LongPollLink poll) {
            answerWhenDue(poll, turns.get(poll));
            return;
        }
        if (link == null || (pending.isEmpty() && toAck.isEmpty())) {
            return;
        }
        if (acksDue(link)) {
            queueAcks();
        }
        if (pending.isEmpty()) {
            return;
        }
        long salt = rt.salts().current(key.id(), rt.clock().instant());
        while (sendPacket(link, salt)) {
            // one packet per round; a stream connection takes them all
        }
    }

    /**
     * Whether the pending acknowledgements go out now (checklist 4.4: every content-related client
     * message is acknowledged, by its rpc_result or a msgs_ack). With {@code ackDelay} zero, always.
     * Otherwise an acknowledgement waits, as the protocol allows (acks may be sent later and in
     * bulk): it rides in the next packet that leaves once it has waited half the delay, and it
     * leaves alone, by a timer, when the whole delay has passed. A query answered within the delay
     * needs no msgs_ack at all (its rpc_result removes it), and under steady traffic most answers
     * leave without a container. Many waiting acks go at once.
     */
    private boolean acksDue(SessionLink link) {
        if (toAck.isEmpty()) {
            return false;
        }
        long delay = rt.config().ackDelay().toMillis();
        long waited = rt.clock().millis() - oldestAckMillis;
        if (delay == 0 || toAck.size() >= ACKS_AT_ONCE || waited >= delay
                || (!pending.isEmpty() && waited >= delay / 2)) {
            return true;
        }
        armAckTimer(link, oldestAckMillis + delay);
        return false;
    }

    /** Waiting acknowledgements beyond this many leave with the next flush. */
    static final int ACKS_AT_ONCE = 64;

    private void armAckTimer(SessionLink link, long at) {
        if (ackTimerAt != NO_TIMER && ackTimerAt <= at) {
            return; // an armed timer fires no later and looks again
        }
        ackTimerAt = at;
        link.schedule(Duration.ofMillis(Math.max(0, at - rt.clock().millis())), () -> onAckTimer(at));
    }

    private synchronized void onAckTimer(long armedFor) {
        if (ackTimerAt != armedFor) {
            return; // replaced by an earlier timer
        }
        ackTimerAt = NO_TIMER;
        if (!closed && !toAck.isEmpty()) {
            flushLocked(); // re-arms if the oldest ack is not yet due (it was sent and new ones came)
        }
    }

    /** Turns the pending acknowledgements into msgs_ack messages at the head of the queue. */
    private void queueAcks() {
        if (toAck.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>(toAck);
        toAck.clear();
        int max = rt.config().maxVectorIds();
        for (int i = ids.size(); i > 0; i -= max) {
            List<Long> part = ids.subList(Math.max(0, i - max), i);
            pending.addFirst(new Out(Tl.serialize(new MsgsAck(part)), false, false, 0, rt.clock().millis()));
        }
    }

    /**
     * Sends the head of the queue as one packet: a single message, or a container of as many as fit.
     *
     * @return false when the queue held nothing to send
     */
    private boolean sendPacket(SessionLink link, long salt) {
        int maxMessages = Math.min(rt.config().maxContainerMessages(), 1024);
        int maxBody = rt.config().maxPacketBody();
        List<Out> batch = new ArrayList<>();
        int bytes = 8;
        while (!pending.isEmpty() && batch.size() < maxMessages) {
            Out next = pending.peekFirst();
            if (next.body == null) {
                pending.pollFirst();
                continue;
            }
            if (!batch.isEmpty() && bytes + 16 + next.body.length > maxBody) {
                break;
            }
            pending.pollFirst();
            batch.add(next);
            bytes += 16 + next.body.length;
        }
        if (batch.isEmpty()) {
            return false;
        }
        if (batch.size() == 1) {
            Out o = batch.get(0);
            number(o);
            link.send(id, salt, o.msgId, o.seqno, o.body);
            return true;
        }
        List<long[]> headers = new ArrayList<>(batch.size());
        List<byte[]> bodies = new ArrayList<>(batch.size());
        for (Out o : batch) {
            number(o);
            headers.add(new long[] {o.msgId, o.seqno});
            bodies.add(o.body);
        }
        link.send(id, salt, rt.ids().next(true), 2 * serverSeq, Container.build(headers, bodies));
        return true;
    }

    // ------------------------------------------------------------------ HTTP requests (checklist 1.11, 4.5)

    /** A message arrived on an HTTP connection: one more request waiting for its answer. */
    private void openTurn(LongPollLink poll) {
        if (turns == null) {
            turns = new HashMap<>(2);
        }
        if (turns.containsKey(poll)) {
            answerNow(poll); // the previous request on this connection is answered first
        }
        turns.put(poll, new LongPollTurn(rt.clock().millis(), rt.config().maxHttpWait().toMillis()));
    }

    /**
     * Answers the request when its http_wait says so, or arms a timer to look again. Acks alone do
     * not count as something to say while a query of this session is still running: its rpc_result
     * acknowledges it and would otherwise miss this request.
     */
    private void answerWhenDue(LongPollLink poll, LongPollTurn turn) {
        long now = rt.clock().millis();
        int ready = pending.size() + (running.isEmpty() ? toAck.size() : 0);
        turn.observe(now, ready);
        if (turn.due(now)) {
            answerNow(poll);
            return;
        }
        long at = turn.deadline();
        if (turn.timerAt != LongPollTurn.NONE && turn.timerAt <= at) {
            return; // an armed timer fires no later than the deadline and looks again
        }
        turn.timerAt = at;
        poll.schedule(Duration.ofMillis(at - now), () -> onTurnTimer(poll, turn, at));
    }

    private synchronized void onTurnTimer(LongPollLink poll, LongPollTurn turn, long armedFor) {
        if (turn.timerAt == armedFor) {
            turn.timerAt = LongPollTurn.NONE;
        }
        if (closed || turns == null || turns.get(poll) != turn) {
            return; // answered, closed or replaced meanwhile
        }
        if (!poll.isOpen()) {
            turns.remove(poll);
            return;
        }
        answerWhenDue(poll, turn);
    }

    /** Answers the request on {@code poll} with one packet: what is queued, or an empty container. */
    private void answerNow(LongPollLink poll) {
        turns.remove(poll);
        queueAcks();
        long salt = rt.salts().current(key.id(), rt.clock().instant());
        if (!sendPacket(poll, salt)) {
            poll.send(id, salt, rt.ids().next(true), 2 * serverSeq, Container.build(List.of(), List.of()));
        }
    }

    private void number(Out o) {
        o.msgId = rt.ids().next(o.answer);
        if (o.contentRelated) {
            o.seqno = 2 * serverSeq + 1;
            serverSeq++;
            long[] ids = java.util.Arrays.copyOf(o.ids, o.ids.length + 1);
            ids[ids.length - 1] = o.msgId;
            o.ids = ids;
            byServerId.put(o.msgId, o);
            unacked.add(o);
        } else {
            o.seqno = 2 * serverSeq;
        }
    }

    // ------------------------------------------------------------------ lifecycle

    synchronized boolean idleSince(long cutoffMillis) {
        return !hasOpenLink() && lastActivityMillis < cutoffMillis;
    }

    /** Any open connection, an HTTP one between requests included. */
    synchronized boolean hasOpenLink() {
        links.removeIf(l -> !l.isOpen());
        if (turns != null) {
            turns.keySet().removeIf(l -> !l.isOpen());
        }
        return !links.isEmpty();
    }

    synchronized long lastActivityMillis() {
        return lastActivityMillis;
    }

    /** Sends a final top-level message (destroy_auth_key answer) and closes this session. */
    synchronized void finish(byte[] lastMessage) {
        if (lastMessage != null) {
            enqueue(lastMessage, false, true, 0);
            flushLocked();
        }
        close();
    }

    /** Sends one top-level answer produced outside the receive path (destroy_auth_key_none/fail). */
    synchronized void answer(byte[] message) {
        enqueue(message, false, true, 0);
        flushLocked();
    }

    synchronized void close() {
        closed = true;
        pending.clear();
        unacked.clear();
        byServerId.clear();
        answers.clear();
        for (List<CompletableFuture<QueryOutcome>> ws : waiters.values()) {
            for (CompletableFuture<QueryOutcome> w : ws) {
                w.complete(QueryOutcome.FAILED);
            }
        }
        waiters.clear();
        links.clear();
        turns = null;
    }

    synchronized HttpWait httpWait() {
        return httpWait;
    }

    /** For tests: server messages waiting for an acknowledgement. */
    synchronized int unackedCount() {
        return unacked.size() + countPendingContent();
    }

    static byte[] destroyAuthKeyAnswer(KeyLifecycle.DestroyResult result) {
        return Tl.serialize(switch (result) {
            case DESTROYED -> new DestroyAuthKeyOk();
            case NONE -> new DestroyAuthKeyNone();
            case FAILED -> new DestroyAuthKeyFail();
        });
    }

    static Set<Integer> handledServiceIds() {
        return Set.of(ServiceIds.MSGS_ACK, ServiceIds.PING, ServiceIds.PING_DELAY_DISCONNECT, ServiceIds.GET_FUTURE_SALTS,
                ServiceIds.DESTROY_SESSION, ServiceIds.DESTROY_AUTH_KEY, ServiceIds.MSGS_STATE_REQ, ServiceIds.MSGS_ALL_INFO,
                ServiceIds.MSG_RESEND_REQ, ServiceIds.MSG_RESEND_ANS_REQ, ServiceIds.RPC_DROP_ANSWER, ServiceIds.HTTP_WAIT,
                ServiceIds.MSG_COPY, ServiceIds.MSG_CONTAINER);
    }
}
