package io.mtgate.server;

import io.mtgate.session.EncryptedEnvelope;
import io.mtgate.session.SessionLink;
import io.mtgate.transport.TransportError;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A client connection seen from the session layer: encrypts each server message with the
 * connection's auth key and writes it through the transport codec (and obfuscation). Callable from
 * any thread: Netty's write is thread-safe, and timers run on the connection's event loop.
 */
final class ConnectionLink implements SessionLink {
    /*
     * Padding bytes of server messages come from PaddingRandom.current(): a CSPRNG per thread
     * (AES-CTR with fast key erasure, seeded from the system SecureRandom), not from the shared
     * SecureRandom, whose NativePRNG takes two global locks per call (every event loop contended
     * for them on every message), and not from a per-thread SHA1PRNG (a synchronized call and an
     * array per 4 bytes: 745 ns per message for the padding, against 79 ns; the whole crypto of a
     * 1 KiB message is ~2.4 us).
     */

    private final ChannelHandlerContext ctx;
    private final EncryptedEnvelope envelope;
    private ScheduledFuture<?> disconnectTimer;

    ConnectionLink(ChannelHandlerContext ctx, EncryptedEnvelope envelope) {
        this.ctx = ctx;
        this.envelope = envelope;
    }

    long authKeyId() {
        return envelope.authKeyId();
    }

    EncryptedEnvelope envelope() {
        return envelope;
    }

    @Override
    public void send(long sessionId, long salt, long msgId, int seqno, byte[] messageData) {
        ctx.writeAndFlush(SealedFrames.seal(ctx.alloc(), envelope, sessionId, salt, msgId, seqno, messageData), ctx.voidPromise());
    }

    @Override
    public boolean isOpen() {
        return ctx.channel().isActive();
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
        ctx.executor().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
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
