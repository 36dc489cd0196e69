package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Recognises the transport from the first bytes (checklist 1.1), in this order: {@code ef}
 * abridged; {@code eeeeeeee} intermediate; {@code dddddddd} padded; {@code POST}, {@code HEAD},
 * {@code OPTIONS}: HTTP ({@link HttpApiCodec}, 1.11); {@code GET } a WebSocket upgrade
 * ({@link WebSocketTransport}, 1.10); fake-TLS (recognised, not supported yet: closed); bytes 4..8
 * zero: full; otherwise a 64-byte obfuscated2 header (1.8). Waits for as many bytes as the decision
 * needs, so input may be split anywhere.
 *
 * <p>Inside a WebSocket a second detector runs on the stream of its messages and accepts only
 * obfuscated2 (1.10): any start it would recognise as another transport (HTTP included) is refused.
 *
 * <p>Then it inserts, after itself, {@code [obfuscation decoder, obfuscation encoder,] framing},
 * fires {@link TransportDetected} and removes itself; bytes received beyond the prologue are
 * passed on to the new handlers (the obfuscation decoder's stream is already past the header).
 */
final class TransportDetector extends AbstractTransportDecoder {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(TransportDetector.class);

    private static final int HTTP_HEAD = 0x44414548;
    private static final int HTTP_POST = 0x54534f50;
    private static final int HTTP_GET = 0x20544547;
    private static final int HTTP_OPTIONS = 0x4954504f;
    private static final int FAKE_TLS = 0x02010316;

    private final TransportSettings settings;
    private final RandomGenerator random;
    private final boolean overWebSocket;

    TransportDetector(TransportSettings settings, RandomGenerator random, TransportListener listener,
                      TransportTimeouts timeouts) {
        this(settings, random, listener, timeouts, false);
    }

    TransportDetector(TransportSettings settings, RandomGenerator random, TransportListener listener,
                      TransportTimeouts timeouts, boolean overWebSocket) {
        super(listener, timeouts);
        this.settings = settings;
        this.random = random;
        this.overWebSocket = overWebSocket;
    }

    @Override
    protected void decodeChecked(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        if (readable < 1) {
            return;
        }
        int r = in.readerIndex();
        if (in.getUnsignedByte(r) == 0xef) {
            in.skipBytes(1);
            switchTo(ctx, TransportKind.ABRIDGED, null);
            return;
        }
        if (readable < 4) {
            return;
        }
        switch (in.getIntLE(r)) {
            case Obfuscated2.TAG_INTERMEDIATE -> {
                in.skipBytes(4);
                switchTo(ctx, TransportKind.INTERMEDIATE, null);
                return;
            }
            case Obfuscated2.TAG_PADDED -> {
                in.skipBytes(4);
                switchTo(ctx, TransportKind.PADDED_INTERMEDIATE, null);
                return;
            }
            case HTTP_HEAD, HTTP_POST, HTTP_OPTIONS -> {
                switchTo(ctx, TransportKind.HTTP, null); // refused inside a WebSocket (not obfuscated)
                return;
            }
            case HTTP_GET -> {
                if (overWebSocket) {
                    throw new UnsupportedTransportException("HTTP inside a WebSocket");
                }
                WebSocketTransport.expectUpgrade(ctx, settings, random, listener, timeouts);
                ctx.pipeline().remove(this); // hands the request to the HTTP decoder
                return;
            }
            case FAKE_TLS -> throw new UnsupportedTransportException("fake-TLS not supported yet");
            default -> {
            }
        }
        if (readable < 8) {
            return;
        }
        if (in.getIntLE(r + 4) == 0) {
            switchTo(ctx, TransportKind.FULL, null);
            return;
        }
        if (readable < Obfuscated2.HEADER_BYTES) {
            return;
        }
        byte[] header = new byte[Obfuscated2.HEADER_BYTES];
        in.readBytes(header);
        Obfuscated2.Accepted accepted = Obfuscated2.accept(header, settings.mtproxySecrets());
        if (accepted == null) {
            throw new InvalidObfuscationHeaderException("obfuscated2 tag invalid under every key");
        }
        if (accepted.secretIndex() >= 0 && !isOurDc(accepted.dcId())) {
            rejectWrongDc(ctx, in, accepted);
            return;
        }
        switchTo(ctx, accepted.kind(), accepted);
    }

    /** MTProxy DC ids: +10000 for test DCs, negative for media DCs. */
    private boolean isOurDc(int dc) {
        return Math.abs(dc) % 10_000 == settings.dcId();
    }

    private FramingCodec newCodec(TransportKind kind) {
        return switch (kind) {
            case ABRIDGED -> new AbridgedCodec(settings, random, listener, timeouts);
            case INTERMEDIATE -> new IntermediateCodec(settings, random, listener, timeouts);
            case PADDED_INTERMEDIATE -> new PaddedIntermediateCodec(settings, random, listener, timeouts);
            case FULL -> new FullCodec(settings, random, listener, timeouts);
            case HTTP -> throw new IllegalArgumentException("HTTP carries no MTProto framing");
        };
    }

    private void switchTo(ChannelHandlerContext ctx, TransportKind kind, Obfuscated2.Accepted obfuscation) {
        if (overWebSocket && obfuscation == null) {
            throw new UnsupportedTransportException("WebSocket without obfuscation (" + kind + ")");
        }
        ChannelPipeline p = ctx.pipeline();
        String self = ctx.name();
        p.addAfter(self, PipelineNames.FRAMING,
                kind == TransportKind.HTTP ? new HttpApiCodec(settings, listener, timeouts) : newCodec(kind));
        if (obfuscation != null) {
            p.addAfter(self, PipelineNames.OBFUSCATION_ENCODER, new ObfuscationEncoder(obfuscation.encrypt()));
            p.addAfter(self, PipelineNames.OBFUSCATION_DECODER, new ObfuscationDecoder(obfuscation.decrypt()));
        }
        TransportDetected detected = new TransportDetected(kind, obfuscation != null,
                obfuscation == null ? 0 : obfuscation.dcId(), overWebSocket);
        log.debug("{} transport {}", ctx.channel(), detected);
        ctx.fireUserEventTriggered(detected);
        p.remove(this); // hands the remaining bytes to the next handler
    }

    /** -444 through the connection's own framing and cipher, then close; later input is discarded. */
    private void rejectWrongDc(ChannelHandlerContext ctx, ByteBuf in, Obfuscated2.Accepted accepted) {
        discardInput(in);
        log.debug("{} MTProxy client asked for DC {}, we are {}", ctx.channel(), accepted.dcId(), settings.dcId());
        listener.connectionRejected(ctx.channel(), CloseReason.WRONG_DC);
        if (overWebSocket) { // written here, not through the framing: the close frame must still name it
            ctx.pipeline().get(WebSocketFrameAdapter.class).transportErrorWritten(TransportError.INVALID_DC);
        }
        ByteBuf payload = ctx.alloc().buffer(4).writeIntLE(TransportError.INVALID_DC);
        ByteBuf framed;
        try {
            framed = newCodec(accepted.kind()).encodeFrame(ctx.alloc(), payload);
        } finally {
            payload.release();
        }
        ctx.writeAndFlush(ObfuscationEncoder.transform(ctx.alloc(), accepted.encrypt(), framed))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
