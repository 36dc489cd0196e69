package io.mtgate.server;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.AuthKeyType;
import io.mtgate.authkey.AuthKeyStore.SaveResult;
import io.mtgate.authkey.StoredAuthKey;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.handshake.HandshakeSession;
import io.mtgate.handshake.HandshakeStep;
import io.mtgate.handshake.PendingKey;
import io.mtgate.handshake.StoreOutcome;
import io.mtgate.session.DecryptedMessage;
import io.mtgate.session.EncryptedEnvelope;
import io.mtgate.session.SessionKey;
import io.mtgate.session.SessionLink;
import io.mtgate.session.SessionManager;
import io.mtgate.transport.HttpExchange;
import io.mtgate.transport.HttpRequestFrame;
import io.mtgate.transport.InboundFrame;
import io.mtgate.transport.QuickAck;
import io.mtgate.transport.TransportKind;
import io.mtgate.transport.OutboundFrame;
import io.mtgate.transport.TransportDetected;
import io.mtgate.transport.TransportError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application end of one client connection: plain messages go to this connection's
 * handshake state machine, encrypted ones to their auth key. Runs on the connection's event loop;
 * anything that may block (the key store) runs on {@link HandshakeServices#blockingExecutor()}
 * and comes back to the loop.
 *
 * <p>On TCP a connection carries one auth key (a second one gets -404) and up to
 * {@link #MAX_SESSIONS_PER_CONNECTION} sessions, each answered on the connection whenever it has
 * something to say. On HTTP (checklist 1.11) each {@link HttpRequestFrame} is answered through its
 * own exchange: handshake replies and transport errors at once, encrypted requests by their
 * session through an {@link HttpSessionLink}; the connection is bound to the key and session of
 * its most recent request, so a request of another key (looked up like the first) or session
 * moves the binding, and the request the previous session still held is answered first.
 */
public final class MtprotoConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(MtprotoConnectionHandler.class);
    static final int ERROR_NOT_FOUND = -404;

    /**
     * Encrypted frames kept while this connection's key is being looked up. Reading stops during
     * the lookup, so only frames already decoded from the last read arrive; the bound is a backstop.
     */
    static final int MAX_FRAMES_AWAITING_KEY = 4096;
    static final long MAX_BYTES_AWAITING_KEY = 4L << 20;
    /** Sessions one connection may carry (checklist 1.12 allows several; clients use one or two). */
    static final int MAX_SESSIONS_PER_CONNECTION = 32;

    private static final LogThrottle LOOKUP_FAILURE_LOG = new LogThrottle(10_000);
    /** Largest frame decrypted in the per-thread work buffer (see {@link #workBuffer}). */
    static final int MAX_WORK_BUFFER = 64 * 1024 + EncryptedEnvelope.OUTER_HEADER;
    private static final FastThreadLocal<byte[]> WORK_BUFFER = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[0];
        }
    };

    private final HandshakeServices services;
    private final SessionServices sessionServices;
    private HandshakeSession handshake;
    private boolean paddedTransport;

    // Encrypted traffic: the connection's auth key once looked up, and the sessions it carried.
    private SessionKey key;
    private ConnectionLink link;
    private ArrayDeque<PendingFrame> awaitingKey;
    private long awaitedKeyId;
    private long awaitingBytes;
    private long[] sessionIds = new long[0];
    /** The key's envelope (TCP: also {@code link.envelope()}). */
    private EncryptedEnvelope envelope;

    // HTTP: the session the connection is bound to, and the connection's ping_delay_disconnect timer
    private HttpSessionLink httpLink;
    private ScheduledFuture<?> httpDisconnect;

    /** {@code exchange}: the HTTP request it came in, null on TCP. */
    private record PendingFrame(byte[] packet, boolean quickAck, HttpExchange exchange) {
    }

    public MtprotoConnectionHandler(HandshakeServices services, SessionServices sessionServices) {
        this.services = services;
        this.sessionServices = sessionServices;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        services.events().connectionOpened();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        services.events().connectionClosed();
        if (handshake != null) {
            handshake.forgetAll(); // wipes new_nonce, the DH secret and tmp keys of unfinished attempts
        }
        if (link != null) {
            link.cancelTimers();
            for (long sessionId : sessionIds) {
                sessionServices.sessions().detach(key.id(), sessionId, link);
            }
        }
        if (httpLink != null) {
            httpLink.retire();
            sessionServices.sessions().detach(httpLink.keyId(), httpLink.sessionId(), httpLink);
            httpLink = null;
        }
        if (httpDisconnect != null) {
            httpDisconnect.cancel(false);
            httpDisconnect = null;
        }
        awaitingKey = null;
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof TransportDetected detected) {
            services.events().transportDetected(detected.kind(), detected.obfuscated(), detected.webSocket());
            paddedTransport = detected.kind() == TransportKind.PADDED_INTERMEDIATE;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequestFrame request) {
            onHttpRequest(ctx, request);
            return;
        }
        if (!(msg instanceof InboundFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            onPayload(ctx, frame.content(), frame.quickAckRequested(), null);
        } finally {
            frame.release();
        }
    }

    /** One HTTP request: the same paths as a TCP frame, answered through its exchange; never a quick ACK. */
    private void onHttpRequest(ChannelHandlerContext ctx, HttpRequestFrame request) {
        try {
            onPayload(ctx, request.content(), false, request.exchange());
        } finally {
            request.release();
        }
    }

    /** {@code exchange}: the HTTP request {@code content} came in, null on TCP. */
    private void onPayload(ChannelHandlerContext ctx, ByteBuf content, boolean quickAck, HttpExchange exchange) {
        if (content.readableBytes() < 8) {
            fail(ctx, ERROR_NOT_FOUND, exchange);
            return;
        }
        long authKeyId = content.getLongLE(content.readerIndex());
        if (authKeyId == 0) {
            onPlain(ctx, ByteBufUtil.getBytes(content), exchange);
        } else if (key != null && key.id().value() == authKeyId && awaitingKey == null) {
            // The usual case: decrypt in this thread's work buffer, not in a new array per message.
            // (While HTTP looks up a new key, a request of the current one must not overtake those queued.)
            int length = encryptedLength(content.readableBytes());
            byte[] work = workBuffer(length);
            content.getBytes(content.readerIndex(), work, 0, length);
            onMessage(ctx, work, length, quickAck, exchange);
        } else {
            onEncrypted(ctx, authKeyId, ByteBufUtil.getBytes(content, content.readerIndex(),
                    encryptedLength(content.readableBytes())), quickAck, exchange);
        }
    }

    private void onPlain(ChannelHandlerContext ctx, byte[] payload, HttpExchange exchange) {
        if (handshake == null) {
            handshake = new HandshakeSession(services.config(), services.dhKeys(), services.random(), services.clock());
        }
        act(ctx, handshake.onPlainMessage(payload), exchange);
    }

    private void act(ChannelHandlerContext ctx, HandshakeStep step, HttpExchange exchange) {
        if (step instanceof HandshakeStep.Reply reply) {
            if (exchange != null) {
                exchange.respond(reply.payload());
            } else {
                ctx.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(reply.payload())));
            }
        } else if (step instanceof HandshakeStep.StoreKey store) {
            storeOffLoop(ctx, store.key(), exchange);
        } else if (step instanceof HandshakeStep.Failure failure) {
            services.events().handshakeFailed(Integer.toString(failure.transportErrorCode()));
            fail(ctx, failure.transportErrorCode(), exchange);
        }
    }

    private void storeOffLoop(ChannelHandlerContext ctx, PendingKey key, HttpExchange exchange) {
        try {
            services.blockingExecutor().execute(() -> {
                StoreOutcome outcome = store(key);
                ctx.executor().execute(() -> afterStore(ctx, key, outcome, exchange));
            });
        } catch (RejectedExecutionException e) {
            log.warn("key store queue is full: handshake refused");
            afterStore(ctx, key, StoreOutcome.FAILED, exchange);
        }
    }

    /**
     * Saves the key, then records its initial salt. dh_gen_ok follows only when both succeeded; if
     * the salt cannot be recorded after the key was saved, the key is deleted again (best effort)
     * so that no key the client was told -404 about stays live.
     */
    private StoreOutcome store(PendingKey key) {
        AuthKeyStore store = services.store();
        Instant created = key.createdAt();
        StoredAuthKey stored;
        try {
            stored = new StoredAuthKey(key.authKey().id(), key.authKey().bytes(), typeOf(key), created,
                    key.temporary() ? created.plusSeconds(key.expiresInSeconds()) : null);
            if (store.save(stored) == SaveResult.DUPLICATE_ID) {
                return StoreOutcome.DUPLICATE_ID;
            }
        } catch (RuntimeException e) {
            log.warn("could not store a new auth key: {}", e.toString());
            return StoreOutcome.FAILED;
        }
        try {
            store.recordInitialSalt(stored.id(), key.initialServerSalt(), created);
            return StoreOutcome.SAVED;
        } catch (RuntimeException e) {
            log.warn("could not record the initial salt of new auth key {}: {}", stored.id(), e.toString());
            try {
                store.delete(stored.id());
            } catch (RuntimeException d) {
                log.warn("could not delete auth key {} after its salt failed: {}", stored.id(), d.toString());
            }
            return StoreOutcome.FAILED;
        }
    }

    /** A temporary key made on a media connection (negative dc) is Teamgram's MEDIA_TEMPORARY (2). */
    static AuthKeyType typeOf(PendingKey key) {
        if (!key.temporary()) {
            return AuthKeyType.PERMANENT;
        }
        return key.media() ? AuthKeyType.MEDIA_TEMPORARY : AuthKeyType.TEMPORARY;
    }

    private void afterStore(ChannelHandlerContext ctx, PendingKey key, StoreOutcome outcome, HttpExchange exchange) {
        HandshakeStep step = handshake.onKeyStored(key, outcome);
        if (outcome == StoreOutcome.SAVED && step instanceof HandshakeStep.Reply) {
            sessionServices.initialSalts().record(key.authKey().id(), key.initialServerSalt(), key.createdAt());
            services.events().handshakeCompleted(key.temporary());
        } else if (outcome == StoreOutcome.DUPLICATE_ID) {
            services.events().handshakeRetry();
        }
        if (ctx.channel().isActive()) {
            act(ctx, step, exchange);
        }
    }

    /**
     * Padded intermediate appends 0..15 random bytes to a frame; the encrypted message itself is
     * 24 bytes plus whole 16-byte blocks, so the padding is cut by length (checklist 1.4). Other
     * transports carry the message exactly and a misaligned length is refused by the envelope.
     */
    private int encryptedLength(int frameLength) {
        if (!paddedTransport || frameLength < EncryptedEnvelope.OUTER_HEADER) {
            return frameLength;
        }
        return EncryptedEnvelope.OUTER_HEADER + ((frameLength - EncryptedEnvelope.OUTER_HEADER) & ~15);
    }

    /** A frame for a key other than the connection's (onPayload decrypts the known key's frames itself). */
    private void onEncrypted(ChannelHandlerContext ctx, long authKeyId, byte[] packet, boolean quickAck,
                             HttpExchange exchange) {
        if (awaitingKey != null) {
            awaitingBytes += packet.length;
            if (authKeyId != awaitedKeyId || awaitingKey.size() >= MAX_FRAMES_AWAITING_KEY
                    || awaitingBytes > MAX_BYTES_AWAITING_KEY) {
                ctx.close(); // a second key while the first is looked up, or a flood before the answer
                return;
            }
            awaitingKey.add(new PendingFrame(packet, quickAck, exchange));
            return;
        }
        if (key != null && exchange == null) {
            // One key per TCP connection (the session binding of checklist 1.12 assumes it); a
            // client switching keys opens a new connection. HTTP binds each request anew (1.11).
            fail(ctx, ERROR_NOT_FOUND, null);
            return;
        }
        awaitedKeyId = authKeyId;
        awaitingKey = new ArrayDeque<>(4);
        awaitingKey.add(new PendingFrame(packet, quickAck, exchange));
        awaitingBytes = packet.length;
        // Stop reading until the key is known: a pipelining client waits in its socket buffer,
        // not in our memory.
        ctx.channel().config().setAutoRead(false);
        AuthKeyId id = new AuthKeyId(authKeyId);
        try {
            services.blockingExecutor().execute(() -> {
                Optional<StoredAuthKey> found;
                try {
                    found = services.store().find(id);
                } catch (RuntimeException e) {
                    // Storage trouble shows on every connection at once: one WARN per interval.
                    if (LOOKUP_FAILURE_LOG.tryAcquire(services.clock().millis())) {
                        log.warn("auth key lookup failed (closing the connection; repeats are logged at most every 10 s): {}",
                                e.toString());
                    } else {
                        log.debug("auth key lookup failed: {}", e.toString());
                    }
                    found = null;
                }
                Optional<StoredAuthKey> result = found;
                ctx.executor().execute(() -> onKeyLookup(ctx, result));
            });
        } catch (RejectedExecutionException e) {
            // Storage is saturated: we cannot tell whether the key exists, and a -404 would make
            // the client drop a key that may be valid. Close; the client reconnects later.
            log.debug("key lookup queue full: closing connection");
            ctx.close();
        }
    }

    /** {@code found} is null when storage failed: never make a client drop a key for that, close. */
    private void onKeyLookup(ChannelHandlerContext ctx, Optional<StoredAuthKey> found) {
        ArrayDeque<PendingFrame> frames = awaitingKey;
        awaitingKey = null;
        if (frames == null || !ctx.channel().isActive()) {
            return;
        }
        ctx.channel().config().setAutoRead(true);
        if (found == null) {
            ctx.close();
            return;
        }
        if (found.isEmpty() || found.get().isExpiredAt(services.clock().instant())) {
            services.events().unknownAuthKey();
            fail(ctx, ERROR_NOT_FOUND, frames.peekFirst().exchange());
            return;
        }
        StoredAuthKey stored = found.get();
        key = new SessionKey(stored.id(), stored.type(), stored.expiresAt());
        envelope = EncryptedEnvelope.forKey(new io.mtgate.crypto.AuthKey(stored.body()));
        if (frames.peekFirst().exchange() == null) {
            link = new ConnectionLink(ctx, envelope);
        }
        for (PendingFrame f : frames) {
            if (!ctx.channel().isActive()) {
                return;
            }
            onMessage(ctx, f.packet(), f.packet().length, f.quickAck(), f.exchange());
        }
    }

    /**
     * A per-event-loop array for decrypting a frame in place: the encrypted path copies the frame
     * once, into this, instead of into a new array (the message keeps only a copy of its body).
     * Frames larger than {@link #MAX_WORK_BUFFER} get an array of their own.
     */
    private static byte[] workBuffer(int length) {
        if (length > MAX_WORK_BUFFER) {
            return new byte[length];
        }
        byte[] b = WORK_BUFFER.get();
        if (b.length < length) {
            b = new byte[Math.min(MAX_WORK_BUFFER, Math.max(length, 2 * b.length))];
            WORK_BUFFER.set(b);
        }
        return b;
    }

    /**
     * {@code packet[0, length)}: auth_key_id | msg_key | ciphertext; wiped once decrypted.
     * {@code exchange}: the HTTP request it came in, null on TCP.
     */
    private void onMessage(ChannelHandlerContext ctx, byte[] packet, int length, boolean quickAck,
                           HttpExchange exchange) {
        if (key.expiresAt() != null && !services.clock().instant().isBefore(key.expiresAt())) {
            fail(ctx, ERROR_NOT_FOUND, exchange); // the temporary key expired while the connection was open
            return;
        }
        Optional<DecryptedMessage> decrypted = envelope.decryptInPlace(packet, 0, length);
        Arrays.fill(packet, 0, length, (byte) 0); // the plaintext: the message has its own copy of the body
        if (decrypted.isEmpty()) {
            // Length, msg_key and padding failures look the same from outside (checklist 3.3).
            services.events().envelopeRejected();
            fail(ctx, ERROR_NOT_FOUND, exchange);
            return;
        }
        DecryptedMessage message = decrypted.get();
        SessionLink target;
        if (exchange == null) {
            if (!trackSession(message.sessionId())) {
                ctx.close(); // more sessions on one connection than any client uses
                return;
            }
            target = link;
        } else {
            HttpSessionLink bound = bindHttp(ctx, message.sessionId());
            bound.expect(exchange);
            target = bound;
        }
        SessionManager.Outcome outcome = sessionServices.sessions().receive(key, message, target);
        if (outcome == SessionManager.Outcome.KEY_DESTROYED) {
            fail(ctx, ERROR_NOT_FOUND, exchange);
        } else if (outcome == SessionManager.Outcome.ACCEPTED && quickAck) {
            ctx.writeAndFlush(new QuickAck(message.quickAckToken()), ctx.voidPromise());
        }
    }

    /**
     * The link of the connection's current (key, session), after a request of it decrypted: the
     * connection is bound to its most recent request's session (checklist 1.11). Moving the binding
     * answers what the previous session still held on it, so answers keep request order.
     */
    private HttpSessionLink bindHttp(ChannelHandlerContext ctx, long sessionId) {
        if (httpLink != null && httpLink.serves(key.id(), sessionId)) {
            return httpLink;
        }
        HttpSessionLink previous = httpLink;
        httpLink = new HttpSessionLink(ctx, envelope, key.id(), sessionId, delay -> armHttpDisconnect(ctx, delay));
        if (previous != null) {
            sessionServices.sessions().release(previous.keyId(), previous.sessionId(), previous);
            previous.retire();
        }
        return httpLink;
    }

    /** ping_delay_disconnect on HTTP closes the connection, as on TCP (its timer is the connection's). */
    private void armHttpDisconnect(ChannelHandlerContext ctx, Duration delay) {
        ctx.executor().execute(() -> {
            if (httpDisconnect != null) {
                httpDisconnect.cancel(false);
                httpDisconnect = null;
            }
            if (!delay.isZero() && !delay.isNegative() && ctx.channel().isActive()) {
                httpDisconnect = ctx.executor().schedule(() -> {
                    ctx.close();
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private boolean trackSession(long sessionId) {
        for (long s : sessionIds) {
            if (s == sessionId) {
                return true;
            }
        }
        if (sessionIds.length >= MAX_SESSIONS_PER_CONNECTION) {
            return false;
        }
        long[] grown = java.util.Arrays.copyOf(sessionIds, sessionIds.length + 1);
        grown[sessionIds.length] = sessionId;
        sessionIds = grown;
        return true;
    }

    /** The transport error, then close: as a frame on TCP, as the answer to {@code exchange} on HTTP. */
    private static void fail(ChannelHandlerContext ctx, int code, HttpExchange exchange) {
        if (exchange != null) {
            exchange.fail(code);
        } else if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new TransportError(code)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing connection after {}", cause.toString());
        ctx.close();
    }
}
