package io.mtgate.server;

import io.mtgate.crypto.AuthKeyId;
import io.mtgate.crypto.PaddingRandom;
import io.mtgate.session.EncryptedEnvelope;
import io.mtgate.session.LongPollLink;
import io.mtgate.transport.HttpExchange;
import io.mtgate.transport.TransportError;
import io.netty.channel.ChannelHandlerContext;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An HTTP connection as one session sees it while the connection is bound to that session
 * (checklist 1.11): every request of the session on it waits here for its answer, and the session
 * answers them one {@link #send} each, in request order (the {@link LongPollLink} contract), so
 * each answer goes to the oldest request still waiting. A new binding of the connection retires
 * this link: it then reports itself closed and the session stops using it.
 */
final class HttpSessionLink implements LongPollLink {
    private final ChannelHandlerContext ctx;
    private final EncryptedEnvelope envelope;
    private final AuthKeyId keyId;
    private final long sessionId;
    private final Consumer<Duration> disconnect;
    private final Queue<HttpExchange> waiting = new ConcurrentLinkedQueue<>();
    private volatile boolean retired;

    /**
     * @param disconnect the connection's ping_delay_disconnect timer: the timer belongs to the
     *                   connection, whichever session armed it
     */
    HttpSessionLink(ChannelHandlerContext ctx, EncryptedEnvelope envelope, AuthKeyId keyId, long sessionId,
                    Consumer<Duration> disconnect) {
        this.ctx = ctx;
        this.envelope = envelope;
        this.keyId = keyId;
        this.sessionId = sessionId;
        this.disconnect = disconnect;
    }

    boolean serves(AuthKeyId key, long session) {
        return keyId.equals(key) && sessionId == session;
    }

    AuthKeyId keyId() {
        return keyId;
    }

    long sessionId() {
        return sessionId;
    }

    /** A request of this session is about to be handed to it. */
    void expect(HttpExchange exchange) {
        waiting.add(exchange);
    }

    /** The connection now serves another session (or closed). */
    void retire() {
        retired = true;
    }

    @Override
    public void send(long session, long salt, long msgId, int seqno, byte[] messageData) {
        HttpExchange request = nextWaiting();
        if (request == null) {
            return; // not after a request of ours: the session keeps unacknowledged messages for the next one
        }
        request.respond(envelope.encrypt(salt, session, msgId, seqno, messageData, 0, messageData.length,
                PaddingRandom.current()));
    }

    private HttpExchange nextWaiting() {
        for (HttpExchange e; (e = waiting.poll()) != null; ) {
            if (!e.isAnswered()) {
                return e;
            }
        }
        return null;
    }

    @Override
    public boolean isOpen() {
        return !retired && ctx.channel().isActive();
    }

    @Override
    public void armDisconnect(Duration delay) {
        disconnect.accept(delay);
    }

    /** The error answers the oldest waiting request (its place in the answer order), then the connection closes. */
    @Override
    public void fail(int transportErrorCode) {
        HttpExchange request = nextWaiting();
        if (request != null) {
            request.fail(transportErrorCode);
        } else {
            ctx.channel().writeAndFlush(TransportError.closeAfter(transportErrorCode), ctx.channel().voidPromise());
        }
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
        ctx.executor().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }
}
