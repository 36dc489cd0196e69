package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP transport (checklist 1.11): requests in, answers out, in request order. Takes the
 * place of the framing codec on a connection whose first bytes are {@code POST}, {@code HEAD} or
 * {@code OPTIONS}.
 * <ul>
 *   <li>{@code POST} to one of {@link HttpSettings#paths()}: the body goes to the application as an
 *       {@link HttpRequestFrame}, answered later through its {@link HttpExchange};</li>
 *   <li>{@code OPTIONS}: a CORS preflight answer; another path: 404; another method: 405;</li>
 *   <li>a malformed request: 400 (411, 501, 505), an oversize head 414/431, an oversize body 413
 *       (refused from its Content-Length, before any of it is buffered); then the connection
 *       closes once the answers before it have left.</li>
 * </ul>
 * Every request, whatever it gets, takes its place in the answer order. At
 * {@link HttpSettings#maxPipelined()} unanswered requests nothing more is decoded and the channel
 * stops reading. Timeouts: the handshake and stall timers of {@link TransportTimeouts} see a
 * complete request as a frame and a partly received one as a started frame; a request held by the
 * session (nothing buffered) runs no timer but the {@link HttpSettings#maxHold()} backstop; a
 * connection with no request in flight and nothing buffered is closed after
 * {@link HttpSettings#idleTimeout()}.
 * The application's stray writes: a {@link TransportError} becomes an answer in order (then
 * close), a {@link QuickAck} is dropped (HTTP has none), an {@link OutboundFrame} is refused.
 */
final class HttpApiCodec extends DuplexTransportDecoder {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(HttpApiCodec.class);

    private final HttpSettings http;
    private final int maxBody;
    private final long idleNanos;
    private final TransportTimeouts progress;
    private final ArrayDeque<HttpExchange> exchanges = new ArrayDeque<>();
    private ChannelHandlerContext ctx;

    // the head being received: scan state, relative to the reader index (nothing is consumed until it is complete)
    private int scanned;
    private int lineStart;
    private boolean sawRequestLine;
    /** A parsed head whose body has not fully arrived. */
    private HttpRequestHead head;
    private boolean continueSent;

    /** An answer that closes the connection is queued: nothing more is read. */
    private boolean closing;
    /** At the pipelining limit: decoding stopped, reading off. */
    private boolean paused;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> holdTimer;
    private HttpExchange holdTimerFor;

    HttpApiCodec(TransportSettings settings, TransportListener listener, TransportTimeouts timeouts) {
        super(listener, null); // progress is reported here: a paused pipeline is not a stalled frame
        this.http = settings.http();
        this.maxBody = settings.maxFrameBytes();
        this.idleNanos = http.idleTimeout().toNanos();
        this.progress = timeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        stopTimers();
        exchanges.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopTimers();
        closing = true;
        exchanges.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        idleTimer = cancel(idleTimer);
        super.channelRead(ctx, msg);
    }

    /**
     * ByteToMessageDecoder asks for another read when a read produced nothing and auto-read is
     * off; while paused that would fill the buffer with requests we refuse to decode yet.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (paused) {
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    // ------------------------------------------------------------------ requests

    @Override
    protected void decodeChecked(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        boolean completed = false;
        try {
            while (!closing) {
                if (head == null) {
                    if (!in.isReadable()) {
                        break;
                    }
                    if (exchanges.size() >= http.maxPipelined()) {
                        pause(in);
                        break;
                    }
                    int end = findHeadEnd(in);
                    if (end < 0) {
                        break;
                    }
                    head = parseHead(in, end);
                }
                if (in.readableBytes() < head.contentLength()) {
                    expectContinue(ctx);
                    break;
                }
                HttpRequestHead h = head;
                head = null;
                continueSent = false;
                completed = true;
                dispatch(h, in, out);
            }
        } catch (InvalidHttpRequestException e) {
            refuse(e.status(), e.getMessage());
        }
        if (closing) {
            discardInput(in);
        }
        if (progress != null && !ctx.isRemoved()) {
            progress.progress(completed, !paused && !closing && (head != null || in.isReadable()));
        }
        afterChange();
    }

    /** The length of the head (through its blank line) at the reader index, or -1 while incomplete. */
    private int findHeadEnd(ByteBuf in) {
        int r = in.readerIndex();
        int n = in.readableBytes();
        int limit = Math.min(n, http.maxHeaderBytes());
        for (int i = scanned; i < limit; i++) {
            if (in.getByte(r + i) != '\n') {
                continue;
            }
            int length = i - lineStart;
            if (length > 0 && in.getByte(r + i - 1) == '\r') {
                length--;
            }
            if (length == 0) {
                if (sawRequestLine) {
                    return i + 1;
                }
                // blank lines before a request line are ignored (RFC 9112 2.2), within the budget
            } else {
                sawRequestLine = true;
            }
            lineStart = i + 1;
        }
        scanned = limit;
        if (n >= http.maxHeaderBytes()) {
            throw new InvalidHttpRequestException(sawRequestLine ? 431 : 414,
                    "request head over " + http.maxHeaderBytes() + " bytes");
        }
        return -1;
    }

    private HttpRequestHead parseHead(ByteBuf in, int end) {
        String text = in.toString(in.readerIndex(), end, StandardCharsets.ISO_8859_1);
        in.skipBytes(end);
        scanned = 0;
        lineStart = 0;
        sawRequestLine = false;
        int from = 0;
        while (from < text.length() && (text.charAt(from) == '\r' || text.charAt(from) == '\n')) {
            from++;
        }
        return HttpRequestHead.parse(text.substring(from).stripTrailing(), maxBody);
    }

    /** {@code 100 Continue} when the client waits for it and no earlier answer is still due. */
    private void expectContinue(ChannelHandlerContext ctx) {
        if (head.expectContinue() && !continueSent && exchanges.isEmpty()) {
            continueSent = true;
            ctx.writeAndFlush(HttpResponse.encodeContinue(ctx.alloc()), ctx.voidPromise());
        }
    }

    private void dispatch(HttpRequestHead h, ByteBuf in, List<Object> out) {
        int length = (int) h.contentLength();
        HttpExchange ex = open(!h.keepAlive());
        if (!h.keepAlive()) {
            closing = true; // the client sends nothing after Connection: close
        }
        if (h.method().equals("OPTIONS") && h.path().equals("*")) {
            in.skipBytes(length);
            ex.answer(HttpResponse.withHeaders(200, HttpResponse.ALLOW));
        } else if (!http.paths().contains(h.path())) {
            in.skipBytes(length);
            ex.answer(HttpResponse.status(404, false));
        } else if (h.method().equals("POST")) {
            out.add(new HttpRequestFrame(length == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(length), ex));
        } else if (h.method().equals("OPTIONS")) {
            in.skipBytes(length);
            ex.answer(HttpResponse.withHeaders(200, preflightHeaders(h)));
        } else {
            in.skipBytes(length);
            ex.answer(HttpResponse.withHeaders(405, HttpResponse.ALLOW));
        }
    }

    private String preflightHeaders(HttpRequestHead h) {
        if (http.corsAllowOrigin().isEmpty()) {
            return HttpResponse.ALLOW;
        }
        return HttpResponse.ALLOW + "Access-Control-Allow-Methods: POST, OPTIONS\r\n"
                + (h.requestHeaders() == null ? "" : "Access-Control-Allow-Headers: " + h.requestHeaders() + "\r\n")
                + "Access-Control-Max-Age: 86400\r\n";
    }

    private HttpExchange open(boolean closeAfter) {
        HttpExchange ex = new HttpExchange(this, ctx.executor(), ctx.executor().ticker().nanoTime(), closeAfter);
        exchanges.add(ex);
        return ex;
    }

    /** Answers {@code status} after the answers already due, then closes; nothing more is read. */
    private void refuse(int status, String why) {
        log.debug("{} refusing an HTTP request with {}: {}", ctx.channel(), status, why);
        listener.connectionRejected(ctx.channel(), CloseReason.INVALID_HTTP_REQUEST);
        head = null;
        closing = true;
        open(true).answer(HttpResponse.status(status, true));
    }

    private void pause(ByteBuf in) {
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        }
        // Someone else may turn reading back on (the application does after a key lookup): what a
        // paused connection buffers stays bounded all the same.
        if (in.readableBytes() > maxBody + http.maxHeaderBytes()) {
            refuse(429, "pipelined requests beyond the limit keep coming");
        }
    }

    // ------------------------------------------------------------------ answers

    /** On the event loop: an exchange has its answer; everything answered at the head of the line leaves. */
    void answered(HttpExchange ex, HttpResponse r) {
        ex.response = r;
        if (ctx == null || ctx.isRemoved() || !exchanges.contains(ex)) {
            return; // the connection is gone, or closed before this request's turn
        }
        boolean wrote = false;
        while (!exchanges.isEmpty() && exchanges.peekFirst().response != null) {
            HttpExchange first = exchanges.pollFirst();
            HttpResponse answer = first.response;
            boolean close = answer.close() || first.closeAfter;
            ByteBuf bytes = answer.encode(ctx.alloc(), !close, http.corsAllowOrigin());
            if (close) {
                closing = true;
                exchanges.clear();
                stopTimers();
                ctx.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.write(bytes, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        afterChange();
    }

    /** Re-arms the timers and resumes decoding once the line of unanswered requests is short again. */
    private void afterChange() {
        if (ctx == null || ctx.isRemoved() || closing) {
            return;
        }
        HttpExchange first = exchanges.peekFirst();
        if (first != holdTimerFor) {
            holdTimer = cancel(holdTimer);
            holdTimerFor = first;
            if (first != null) {
                long left = first.openedAtNanos + http.maxHold().toNanos() - ctx.executor().ticker().nanoTime();
                holdTimer = ctx.executor().schedule(() -> holdExpired(first), Math.max(0, left), TimeUnit.NANOSECONDS);
            }
        }
        if (paused && exchanges.size() < http.maxPipelined()) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
            // the requests already buffered are decoded now, not at the next read (which may never come)
            ctx.executor().execute(this::decodeBuffered);
        }
        if (exchanges.isEmpty() && head == null && !internalBuffer().isReadable() && !paused) {
            if (idleTimer == null) {
                idleTimer = ctx.executor().schedule(() -> expire(CloseReason.HTTP_IDLE_TIMEOUT), idleNanos,
                        TimeUnit.NANOSECONDS);
            }
        } else {
            idleTimer = cancel(idleTimer);
        }
    }

    private void decodeBuffered() {
        if (ctx.isRemoved() || closing || !internalBuffer().isReadable()) {
            return;
        }
        try {
            super.channelRead(ctx, Unpooled.EMPTY_BUFFER);
            super.channelReadComplete(ctx);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    private void holdExpired(HttpExchange ex) {
        if (!closing && exchanges.peekFirst() == ex && ex.response == null) {
            expire(CloseReason.HTTP_HOLD_EXPIRED);
        }
    }

    private void expire(CloseReason reason) {
        if (closing || ctx.isRemoved()) {
            return;
        }
        log.debug("{} closing: {}", ctx.channel(), reason);
        closing = true;
        stopTimers();
        exchanges.clear();
        listener.connectionRejected(ctx.channel(), reason);
        ctx.close();
    }

    private void stopTimers() {
        idleTimer = cancel(idleTimer);
        holdTimer = cancel(holdTimer);
        holdTimerFor = null;
    }

    private static ScheduledFuture<?> cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
        return null;
    }

    /** For tests: requests waiting for their answers. */
    int unanswered() {
        return exchanges.size();
    }

    // ------------------------------------------------------------------ outbound

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof TransportError error) {
            // e.g. the rate limit's -429 at detection: an answer in its turn, then close
            if (!closing) {
                closing = true;
                open(true).answer(HttpResponse.transportError(error.code()));
            }
            promise.trySuccess();
        } else if (msg instanceof QuickAck) {
            promise.trySuccess();
        } else if (msg instanceof OutboundFrame) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new IllegalStateException("HTTP answers go through the request's HttpExchange"));
        } else {
            ctx.write(msg, promise);
        }
    }
}
