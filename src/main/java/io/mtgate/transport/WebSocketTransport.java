package io.mtgate.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * MTProto over WebSocket on the TCP port of the other transports (checklist 1.10). A connection
 * whose first bytes are {@code GET } gets, in place of the detector:
 * <pre>
 *   WEBSOCKET_HTTP_ENCODER -> WEBSOCKET_HTTP_DECODER -> WEBSOCKET_UPGRADE
 * </pre>
 * A valid upgrade to {@code /apiws} (or {@code /apiws_test}) with subprotocol {@code binary} is
 * answered {@code 101}, and the pipeline becomes
 * <pre>
 *   wsencoder -> wsdecoder -> WEBSOCKET_FRAMES -> DETECTOR (obfuscated2 only) -> WEBSOCKET_ERRORS
 * </pre>
 * after which the detector installs the obfuscation and framing handlers exactly as on TCP, so the
 * handshake, sessions, quick ACKs, transport errors and timeouts are the same code. Anything else
 * gets an HTTP error status and is closed.
 *
 * <p>Sizes: the request line and the headers are each bounded by
 * {@link HttpSettings#maxHeaderBytes()} ({@code mtgate.http.max-header-size}, shared with the HTTP
 * transport; an upgrade request is a few hundred bytes), a request body is refused rather than
 * read, and one WebSocket frame may carry at most {@link TransportSettings#maxFrameBytes()} plus
 * {@link #FRAME_SLACK} bytes: its declared length is checked before its payload is buffered, and
 * fragmented messages are never reassembled (message boundaries mean nothing to MTProto), so
 * nothing grows without bound.
 */
public final class WebSocketTransport {
    /** Paths GramJS and tdweb use: {@code /apiws}, and {@code /apiws_test} for test DCs. */
    static final Set<String> PATHS = Set.of("/apiws", "/apiws_test");
    static final String SUBPROTOCOL = "binary";
    /**
     * Beyond the largest MTProto frame, what one WebSocket frame may add: the 64-byte obfuscated2
     * header, a frame length and padding, when a client sends them in the same message.
     */
    public static final int FRAME_SLACK = 4096;
    /**
     * Server output is cut into binary messages of at most this size: clients cap what they accept
     * in one frame (the {@code websocket} npm package GramJS uses: 1 MiB by default).
     */
    static final int MAX_OUTBOUND_MESSAGE = 64 * 1024;

    private WebSocketTransport() {
    }

    /**
     * Called by the detector on {@code GET }: installs the HTTP decoder and the upgrade handler
     * after {@code detector} (which then removes itself, handing them the bytes read so far).
     */
    static void expectUpgrade(ChannelHandlerContext detector, TransportSettings settings, RandomGenerator random,
                              TransportListener listener, TransportTimeouts timeouts) {
        ChannelPipeline p = detector.pipeline();
        HttpDecoderConfig http = new HttpDecoderConfig()
                .setMaxInitialLineLength(settings.http().maxHeaderBytes())
                .setMaxHeaderSize(settings.http().maxHeaderBytes())
                .setMaxChunkSize(1024); // a body is refused, never read
        // The encoder sits before (headward of) the decoder, so that whatever the WebSocket decoder
        // that replaces the HTTP decoder writes still passes the WebSocket encoder.
        p.addAfter(detector.name(), PipelineNames.WEBSOCKET_HTTP_ENCODER, new HttpResponseEncoder());
        p.addAfter(PipelineNames.WEBSOCKET_HTTP_ENCODER, PipelineNames.WEBSOCKET_HTTP_DECODER,
                new HttpRequestDecoder(http));
        p.addAfter(PipelineNames.WEBSOCKET_HTTP_DECODER, PipelineNames.WEBSOCKET_UPGRADE,
                new WebSocketUpgradeHandler(settings, random, listener, timeouts));
    }

    /** The WebSocket frame decoder's limits: masked client frames, no extensions, bounded length. */
    static WebSocketDecoderConfig decoderConfig(TransportSettings settings) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxFrameBytes() + FRAME_SLACK)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                // WEBSOCKET_FRAMES answers violations itself: close frame, listener, close
                .closeOnProtocolViolation(false)
                .withUTF8Validator(false)
                .build();
    }

    /** Installs the stream handlers after the upgrade handler once the handshake response is on its way. */
    static void installStream(ChannelHandlerContext upgrade, TransportSettings settings, RandomGenerator random,
                              TransportListener listener, TransportTimeouts timeouts) {
        ChannelPipeline p = upgrade.pipeline();
        WebSocketFrameAdapter frames = new WebSocketFrameAdapter(listener);
        p.addAfter(upgrade.name(), PipelineNames.WEBSOCKET_FRAMES, frames);
        p.addAfter(PipelineNames.WEBSOCKET_FRAMES, PipelineNames.DETECTOR,
                new TransportDetector(settings, random, listener, timeouts, true));
        p.addAfter(PipelineNames.DETECTOR, PipelineNames.WEBSOCKET_ERRORS, new WebSocketErrorTap(frames));
    }
}
