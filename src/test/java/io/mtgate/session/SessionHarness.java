package io.mtgate.session;

import io.mtgate.crypto.AuthKeyId;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.mtproto.Schema;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A session manager with a settable clock, fixed salts and a recording connection: the
 * session layer driven message by message, as a client would, with every server message decoded.
 */
final class SessionHarness {
    static final AuthKeyId KEY_ID = new AuthKeyId(0x1122334455667788L);
    static final SessionKey KEY = SessionKey.permanent(KEY_ID);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    final InitialSalts initialSalts = new InitialSalts(Duration.ofMinutes(30), 100);
    final DerivedSalts salts = new DerivedSalts(new byte[32], Duration.ofHours(1), Duration.ofMinutes(30),
            Duration.ofSeconds(60), initialSalts);
    final AtomicReference<RpcInvoker> invoker = new AtomicReference<>((call, reply) -> reply.complete(echo(call)));
    final AtomicReference<KeyLifecycle.DestroyResult> destroyResult =
            new AtomicReference<>(KeyLifecycle.DestroyResult.DESTROYED);
    final List<Integer> badCodes = new ArrayList<>();
    final SessionManager manager;
    long lastClientMsgId;

    SessionHarness() {
        this(SessionConfig.DEFAULT);
    }

    SessionHarness(SessionConfig config) {
        SessionEvents events = new SessionEvents() {
            @Override
            public void badMessage(int code) {
                synchronized (badCodes) {
                    badCodes.add(code);
                }
            }
        };
        manager = new SessionManager(config, salts, (call, reply) -> invoker.get().invoke(call, reply),
                (id, done) -> done.accept(destroyResult.get()), events, clock, new Random(7));
    }

    /** The test RPC answer: {@code rpc_error 400 ECHO_<constructor id>} would hide bugs; a boolTrue is plainer. */
    static byte[] echo(RpcCall call) {
        return new byte[] {(byte) 0xb5, 0x75, 0x72, (byte) 0x99}; // boolTrue#997275b5
    }

    private final java.util.Map<Long, Integer> contentCounts = new java.util.HashMap<>();

    /** The client's seqno for its next message in {@code sessionId} (checklist 3.5). */
    int seq(long sessionId, boolean contentRelated) {
        int n = contentCounts.getOrDefault(sessionId, 0);
        if (!contentRelated) {
            return 2 * n;
        }
        contentCounts.put(sessionId, n + 1);
        return 2 * n + 1;
    }

    long salt() {
        return salts.current(KEY_ID, clock.instant());
    }

    /** A fresh client msg_id for the current time, strictly increasing. */
    long nextMsgId() {
        Instant now = clock.instant();
        long id = (now.getEpochSecond() << 32) | ((long) now.getNano() << 32) / 1_000_000_000L;
        id &= ~3L;
        if (id <= lastClientMsgId) {
            id = lastClientMsgId + 4;
        }
        lastClientMsgId = id;
        return id;
    }

    SessionManager.Outcome send(FakeLink link, long sessionId, long msgId, int seqno, byte[] body) {
        return send(link, salt(), sessionId, msgId, seqno, body);
    }

    SessionManager.Outcome send(FakeLink link, long salt, long sessionId, long msgId, int seqno, byte[] body) {
        return manager.receive(KEY, new DecryptedMessage(salt, sessionId, msgId, seqno, body, 0x80000001), link);
    }

    static byte[] tl(TlObject o) {
        return Tl.serialize(o);
    }

    static TlObject decode(byte[] body) {
        return Tl.deserialize(body, Schema.REGISTRY, TlLimits.DEFAULT);
    }

    static final class MutableClock implements InstantSource {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /** One server message as the client would see it (containers flattened). */
    record ServerMessage(long sessionId, long salt, long msgId, int seqno, byte[] body, boolean inContainer) {
        int constructorId() {
            return ServiceIds.intLE(body, 0);
        }

        TlObject decoded() {
            return decode(body);
        }

        boolean contentRelated() {
            return (seqno & 1) != 0;
        }
    }

    /** A connection that records what the session layer writes to it. */
    static class FakeLink implements SessionLink {
        final List<ServerMessage> messages = new ArrayList<>();
        final List<long[]> packets = new ArrayList<>(); // msgId, seqno, isContainer
        final List<Duration> disconnects = new ArrayList<>();
        final List<Integer> failures = new ArrayList<>();
        volatile boolean open = true;

        @Override
        public synchronized void send(long sessionId, long salt, long msgId, int seqno, byte[] data) {
            boolean container = ServiceIds.intLE(data, 0) == ServiceIds.MSG_CONTAINER;
            packets.add(new long[] {msgId, seqno, container ? 1 : 0});
            if (!container) {
                messages.add(new ServerMessage(sessionId, salt, msgId, seqno, data, false));
                return;
            }
            int count = ServiceIds.intLE(data, 4);
            int p = 8;
            for (int i = 0; i < count; i++) {
                long id = ServiceIds.longLE(data, p);
                int seq = ServiceIds.intLE(data, p + 8);
                int len = ServiceIds.intLE(data, p + 12);
                byte[] body = java.util.Arrays.copyOfRange(data, p + 16, p + 16 + len);
                if (Long.compareUnsigned(id, msgId) >= 0) {
                    throw new AssertionError("inner msg_id not below the container's");
                }
                messages.add(new ServerMessage(sessionId, salt, id, seq, body, true));
                p += 16 + len;
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public synchronized void armDisconnect(Duration delay) {
            disconnects.add(delay);
        }

        @Override
        public synchronized void fail(int code) {
            failures.add(code);
            open = false;
        }

        @Override
        public SocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }

        /** Timers as {due millis, task}: held until {@link #runDueTimers} runs them. */
        private final List<Object[]> timers = new ArrayList<>();
        /** The clock the timers are due by (a harness's, or none: then they are due at once). */
        java.util.function.LongSupplier now = () -> 0;

        @Override
        public synchronized void schedule(Duration delay, Runnable task) {
            if (delay.isNegative()) {
                throw new AssertionError("negative timer delay " + delay);
            }
            timers.add(new Object[] {now.getAsLong() + delay.toMillis(), task});
        }

        synchronized int timersArmed() {
            return timers.size();
        }

        /** Runs every timer due by now (in due order), including timers they arm, as an event loop would. */
        void runDueTimers() {
            while (true) {
                Object[] next;
                synchronized (this) {
                    next = timers.stream().filter(t -> (long) t[0] <= now.getAsLong())
                            .min(java.util.Comparator.comparingLong(t -> (long) t[0])).orElse(null);
                    if (next == null) {
                        return;
                    }
                    timers.remove(next);
                }
                ((Runnable) next[1]).run();
            }
        }

        synchronized List<ServerMessage> take() {
            List<ServerMessage> out = new ArrayList<>(messages);
            messages.clear();
            return out;
        }

        synchronized List<ServerMessage> ofType(int constructorId) {
            return messages.stream().filter(m -> m.constructorId() == constructorId).toList();
        }
    }
}
