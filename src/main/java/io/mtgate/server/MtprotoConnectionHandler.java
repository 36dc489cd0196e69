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
import io.mtgate.transport.InboundFrame;
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
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application end of one client connection: plain messages go to this connection's
 * handshake state machine, encrypted ones to their auth key. Runs on the connection's event loop;
 * anything that may block (the key store) runs on {@link HandshakeServices#blockingExecutor()}
 * and comes back to the loop.
 */
public final class MtprotoConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(MtprotoConnectionHandler.class);
    static final int ERROR_NOT_FOUND = -404;

    private final HandshakeServices services;
    private HandshakeSession handshake;

    public MtprotoConnectionHandler(HandshakeServices services) {
        this.services = services;
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
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof TransportDetected detected) {
            services.events().transportDetected(detected.kind(), detected.obfuscated());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            ByteBuf content = frame.content();
            if (content.readableBytes() < 8) {
                fail(ctx, ERROR_NOT_FOUND);
                return;
            }
            long authKeyId = content.getLongLE(content.readerIndex());
            if (authKeyId == 0) {
                onPlain(ctx, ByteBufUtil.getBytes(content));
            } else {
                onEncrypted(ctx, new AuthKeyId(authKeyId));
            }
        } finally {
            frame.release();
        }
    }

    private void onPlain(ChannelHandlerContext ctx, byte[] payload) {
        if (handshake == null) {
            handshake = new HandshakeSession(services.config(), services.dhKeys(), services.random(), services.clock());
        }
        act(ctx, handshake.onPlainMessage(payload));
    }

    private void act(ChannelHandlerContext ctx, HandshakeStep step) {
        if (step instanceof HandshakeStep.Reply reply) {
            ctx.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(reply.payload())));
        } else if (step instanceof HandshakeStep.StoreKey store) {
            storeOffLoop(ctx, store.key());
        } else if (step instanceof HandshakeStep.Failure failure) {
            services.events().handshakeFailed(Integer.toString(failure.transportErrorCode()));
            fail(ctx, failure.transportErrorCode());
        }
    }

    private void storeOffLoop(ChannelHandlerContext ctx, PendingKey key) {
        try {
            services.blockingExecutor().execute(() -> {
                StoreOutcome outcome = store(key);
                ctx.executor().execute(() -> afterStore(ctx, key, outcome));
            });
        } catch (RejectedExecutionException e) {
            log.warn("key store queue is full: handshake refused");
            afterStore(ctx, key, StoreOutcome.FAILED);
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

    private void afterStore(ChannelHandlerContext ctx, PendingKey key, StoreOutcome outcome) {
        HandshakeStep step = handshake.onKeyStored(key, outcome);
        if (outcome == StoreOutcome.SAVED && step instanceof HandshakeStep.Reply) {
            services.events().handshakeCompleted(key.temporary());
        } else if (outcome == StoreOutcome.DUPLICATE_ID) {
            services.events().handshakeRetry();
        }
        if (ctx.channel().isActive()) {
            act(ctx, step);
        }
    }

    private void onEncrypted(ChannelHandlerContext ctx, AuthKeyId id) {
        // Encrypted sessions arrive with the session layer; until then a known key's messages are
        // dropped and an unknown key is told -404, which is what the client must hear either way.
        try {
            services.blockingExecutor().execute(() -> {
                boolean known;
                try {
                    known = services.store().find(id).isPresent();
                } catch (RuntimeException e) {
                    log.warn("auth key lookup failed: {}", e.toString());
                    known = true; // never make a client drop a key because our storage failed
                }
                if (!known) {
                    services.events().unknownAuthKey();
                    ctx.executor().execute(() -> fail(ctx, ERROR_NOT_FOUND));
                }
            });
        } catch (RejectedExecutionException e) {
            // Storage is saturated: we cannot tell whether the key exists, and a -404 would make
            // the client drop a key that may be valid. Close; the client reconnects later.
            log.debug("key lookup queue full: closing connection");
            ctx.close();
        }
    }

    private static void fail(ChannelHandlerContext ctx, int code) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new TransportError(code)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing connection after {}", cause.toString());
        ctx.close();
    }
}
