package io.mtgate.server;

import io.mtgate.session.EncryptedEnvelope;
import io.mtgate.session.SessionLink;
import io.mtgate.transport.OutboundFrame;
import io.mtgate.transport.TransportError;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * A client connection seen from the session layer: encrypts each server message with the
 * connection's auth key and writes it through the transport codec (and obfuscation). Callable from
 * any thread: Netty's write is thread-safe, and timers run on the connection's event loop.
 */
final class ConnectionLink implements SessionLink {
    /**
     * Padding bytes of server messages come from a CSPRNG per thread (SHA1PRNG seeded from
     * {@code /dev/urandom}), not from the shared {@link SecureRandom}: its NativePRNG takes two
     * global locks per call, and every event loop contended for them on every message (~6 calls
     * per message), with loops blocked for tens of ms when a lock holder was descheduled.
     */
    private static final ThreadLocal<RandomGenerator> PADDING = ThreadLocal.withInitial(() -> {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            byte[] seed = new byte[32];
            new SecureRandom().nextBytes(seed);
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    });

    private final ChannelHandlerContext ctx;
    private final EncryptedEnvelope envelope;
    private final RandomGenerator random;
    private ScheduledFuture<?> disconnectTimer;

    ConnectionLink(ChannelHandlerContext ctx, EncryptedEnvelope envelope, RandomGenerator random) {
        this.ctx = ctx;
        this.envelope = envelope;
        this.random = random;
    }

    long authKeyId() {
        return envelope.authKeyId();
    }

    EncryptedEnvelope envelope() {
        return envelope;
    }

    @Override
    public void send(long sessionId, long salt, long msgId, int seqno, byte[] messageData) {
        byte[] packet = envelope.encrypt(salt, sessionId, msgId, seqno, messageData, 0, messageData.length, PADDING.get());
        ctx.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(packet)), ctx.voidPromise());
    }

    @Override
    public boolean isOpen() {
        return ctx.channel().isActive();
    }

    @Override
    public void armDisconnect(Duration delay) {
        ctx.executor().execute(() -> {
            if (disconnectTimer != null) {
                disconnectTimer.cancel(false);
                disconnectTimer = null;
            }
            if (!delay.isZero() && !delay.isNegative() && ctx.channel().isActive()) {
                disconnectTimer = ctx.executor().schedule(() -> {
                    ctx.close();
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    void cancelTimers() {
        if (disconnectTimer != null) {
            disconnectTimer.cancel(false);
            disconnectTimer = null;
        }
    }

    @Override
    public void fail(int transportErrorCode) {
        ctx.executor().execute(() -> {
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(new TransportError(transportErrorCode)).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    @Override
    public SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }
}
