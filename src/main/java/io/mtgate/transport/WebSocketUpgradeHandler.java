package io.mtgate.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Decides on the one HTTP request a WebSocket connection starts with (checklist 1.10): a
 * {@code GET /apiws} or {@code /apiws_test} upgrade offering the {@code binary} subprotocol is
 * handed to Netty's handshaker (version and key checks, the {@code 101} answer, swapping the HTTP
 * codec for the WebSocket frame codec) and this handler replaces itself with the byte-stream
 * handlers ({@link WebSocketTransport#installStream}). Anything else is answered with an error
 * status and {@code Connection: close}, reported as {@link CloseReason#WEBSOCKET_REFUSED} and
 * closed; whatever follows it is dropped. The decision is made on the request head, so a body is
 * never read or buffered.
 */
final class WebSocketUpgradeHandler extends ChannelInboundHandlerAdapter {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(WebSocketUpgradeHandler.class);

    private final TransportSettings settings;
    private final RandomGenerator random;
    private final TransportListener listener;
    private final TransportTimeouts timeouts;
    private boolean refused;
    /**
     * While Netty's handshaker swaps the codecs, what the WebSocket decoder makes of bytes that came
     * in behind the request (a client that did not wait for the 101) reaches this handler: held
     * here until the 101 is written and the stream handlers are in place, then passed on in order.
     * Bounded by one read's worth of bytes.
     */
    private List<Object> early;

    WebSocketUpgradeHandler(TransportSettings settings, RandomGenerator random, TransportListener listener,
                            TransportTimeouts timeouts) {
        this.settings = settings;
        this.random = random;
        this.listener = listener;
        this.timeouts = timeouts;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (early != null && msg instanceof WebSocketFrame) {
            early.add(msg);
            return;
        }
        try {
            // Once closed, the HTTP decoder still reports a request cut short: nothing to answer.
            if (!refused && msg instanceof HttpRequest request && ctx.channel().isActive()) {
                onRequest(ctx, request);
            }
            // the rest (the request's empty last content, anything after a refusal) is dropped
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            refuse(ctx, cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST,
                    "malformed request: " + cause);
            return;
        }
        HttpHeaders headers = request.headers();
        if (!HttpMethod.GET.equals(request.method())) {
            refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method " + request.method());
        } else if (!WebSocketTransport.PATHS.contains(path(request.uri()))) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "path");
        } else if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "not a WebSocket upgrade");
        } else if (HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) != 0) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "upgrade request with a body");
        } else if (!offersBinary(headers)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "no '" + WebSocketTransport.SUBPROTOCOL + "' subprotocol");
        } else {
            upgrade(ctx, request);
        }
    }

    /** The path as sent, without query or fragment (not percent-decoded: a bad escape is just another path). */
    private static String path(String uri) {
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return uri.substring(0, end);
    }

    /** {@code Sec-WebSocket-Protocol} lists {@code binary} (a comma-separated list, maybe on several lines). */
    private static boolean offersBinary(HttpHeaders headers) {
        for (String value : headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String token : value.split(",")) {
                if (token.trim().equals(WebSocketTransport.SUBPROTOCOL)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest request) {
        WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(request.uri(),
                WebSocketTransport.SUBPROTOCOL, WebSocketTransport.decoderConfig(settings));
        DefaultFullHttpRequest full = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
        // RFC 6455 only: Netty would also speak the hixie-76 draft (no version header) and drafts 7/8
        WebSocketServerHandshaker handshaker = "13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))
                ? factory.newHandshaker(full) : null;
        if (handshaker == null) {
            FullHttpResponse response = response(HttpResponseStatus.UPGRADE_REQUIRED);
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            refuse(ctx, response, "WebSocket version " + request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION));
            return;
        }
        early = new ArrayList<>(2);
        try {
            handshaker.handshake(ctx.channel(), full);
        } catch (RuntimeException e) { // a missing or bad Sec-WebSocket-Key... (before any pipeline change)
            releaseEarly();
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "handshake: " + e.getMessage());
            return;
        }
        log.debug("{} WebSocket upgrade to {}", ctx.channel(), request.uri());
        WebSocketTransport.installStream(ctx, settings, random, listener, timeouts);
        List<Object> held = early;
        early = null;
        for (Object m : held) {
            if (m instanceof Throwable t) {
                ctx.fireExceptionCaught(t);
            } else {
                ctx.fireChannelRead(m);
            }
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (early != null) {
            early.add(cause); // a corrupt early frame: answered by the stream handlers, in order
        } else {
            super.exceptionCaught(ctx, cause);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseEarly();
    }

    private void releaseEarly() {
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early = null;
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
        refuse(ctx, response(status), why);
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpResponse response, String why) {
        refused = true;
        log.debug("{} WebSocket upgrade refused with {}: {}", ctx.channel(), response.status(), why);
        listener.connectionRejected(ctx.channel(), CloseReason.WEBSOCKET_REFUSED);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse response(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
