package io.mtgate.rpc;

import io.mtgate.crypto.AuthKeyId;
import io.mtgate.session.RpcCall;
import io.mtgate.session.RpcReply;
import io.mtgate.session.SessionKey;
import io.mtgate.session.SessionQueries;
import io.mtgate.tl.GzipPacked;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.TlReader;
import io.mtgate.tl.TlWriter;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Builders and fakes shared by the RPC tests. */
final class RpcTestSupport {
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.51.100.7", 40000);

    private RpcTestSupport() {
    }

    /** {@code gzip_packed} around a boxed object, as a client would send it. */
    record Gzip(TlObject inner) implements TlObject {
        @Override
        public int constructorId() {
            return GzipPacked.CONSTRUCTOR_ID;
        }

        @Override
        public void serializeBare(TlWriter w) {
            w.writeBytes(GzipPacked.pack(Tl.serialize(inner)));
        }
    }

    /** A boxed value of an arbitrary constructor id with no body (an unknown method). */
    record Raw(int constructorId, byte[] body) implements TlObject {
        @Override
        public void serializeBare(TlWriter w) {
            w.writeRaw(body);
        }
    }

    /** A decoded rpc_error. */
    record Err(int code, String message) {
    }

    /** The rpc_error in {@code boxed}, or empty when it is something else. */
    static Optional<Err> error(byte[] boxed) {
        TlReader r = new TlReader(Unpooled.wrappedBuffer(boxed), TlLimits.DEFAULT, null);
        if (r.readInt() != RpcError.CONSTRUCTOR_ID) {
            return Optional.empty();
        }
        return Optional.of(new Err(r.readInt(), r.readString()));
    }

    static Err err(int code, String message) {
        return new Err(code, message);
    }

    /** The session's view of its other queries, completed by the test. */
    static final class FakeSession implements SessionQueries {
        final Map<Long, CompletableFuture<QueryOutcome>> queries = new ConcurrentHashMap<>();

        CompletableFuture<QueryOutcome> query(long msgId) {
            return queries.computeIfAbsent(msgId, k -> new CompletableFuture<>());
        }

        @Override
        public CompletionStage<QueryOutcome> awaitQuery(long msgId) {
            return query(msgId);
        }
    }

    /** Records completions; the first one is the answer. */
    static final class Reply implements RpcReply {
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();
        final AtomicInteger completions = new AtomicInteger();
        volatile Thread thread;

        @Override
        public void complete(byte[] boxedResult) {
            completions.incrementAndGet();
            thread = Thread.currentThread();
            answer.complete(boxedResult);
        }

        byte[] get() {
            try {
                return answer.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("no answer within 60 s", e);
            }
        }

        Optional<Err> error() {
            return RpcTestSupport.error(get());
        }

        TlObject decode(ApiLayer layer) {
            return Tl.deserialize(get(), layer.registry(), TlLimits.DEFAULT);
        }
    }

    static SessionKey permKey(long id) {
        return SessionKey.permanent(new AuthKeyId(id));
    }

    static RpcCall call(SessionKey key, long msgId, TlObject query, SessionQueries session) {
        return new RpcCall(key, 0x1122334455667788L, msgId, Tl.serialize(query), CLIENT, session);
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** An {@link AuthsRepository} in a map, counting calls. */
    static final class MapAuthsRepository implements AuthsRepository {
        final Map<AuthKeyId, AuthRecord> rows = new ConcurrentHashMap<>();
        final AtomicInteger finds = new AtomicInteger();
        final AtomicInteger upserts = new AtomicInteger();

        @Override
        public Optional<AuthRecord> find(AuthKeyId id) {
            finds.incrementAndGet();
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public void upsert(AuthRecord r) {
            upserts.incrementAndGet();
            rows.put(r.authKeyId(), r);
        }

        @Override
        public boolean updateLayer(AuthKeyId id, int layer, long dateActive) {
            AuthRecord r = rows.get(id);
            if (r == null) {
                return false;
            }
            rows.put(id, new AuthRecord(id, layer, r.client(), r.clientIp(), dateActive));
            return true;
        }
    }
}
