package io.mtgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP transport (checklist 1.11) in an EmbeddedChannel behind the real detector: bodies
 * delivered whole whatever the split, answers in request order, statuses for every bad input,
 * pipelining bounded, timers, CORS; Netty's leak detector runs at PARANOID for every test.
 */
@ExtendWith(LeakDetectionExtension.class)
class HttpTransportTest {
    private static final int MAX_BODY = 1024;
    private static final HttpSettings HTTP = new HttpSettings(512, 4, Duration.ofSeconds(70), Duration.ofSeconds(40), "*",
            List.of("/api", "/apiw1"));
    private static final TransportSettings SETTINGS = new TransportSettings(MAX_BODY, Duration.ofSeconds(30),
            Duration.ofSeconds(20), List.of(), 2, HTTP);

    private final List<Http> harnesses = new ArrayList<>();

    /** The transport with an application that records requests and, if told, answers them. */
    final class Http {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final List<Object> events = new ArrayList<>();
        final List<CloseReason> rejections = new ArrayList<>();
        final List<byte[]> bodies = new ArrayList<>();
        final List<HttpExchange> exchanges = new ArrayList<>();
        BiConsumer<byte[], HttpExchange> onRequest = (body, ex) -> { };

        Http(TransportSettings settings) {
            channel.pipeline().addLast(PipelineNames.APPLICATION, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    HttpRequestFrame f = (HttpRequestFrame) msg;
                    try {
                        byte[] b = new byte[f.content().readableBytes()];
                        f.content().getBytes(f.content().readerIndex(), b);
                        bodies.add(b);
                        exchanges.add(f.exchange());
                        onRequest.accept(b, f.exchange());
                    } finally {
                        f.release(); // a slice of the codec's buffer: the leak detector sees one not released
                    }
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    events.add(evt);
                }
            });
            TransportPipeline.install(channel.pipeline(), settings, (ch, reason) -> rejections.add(reason), new Random(1));
            harnesses.add(this);
        }

        Http() {
            this(SETTINGS);
        }

        /** Answers each request at once with its own body reversed. */
        Http echo() {
            onRequest = (body, ex) -> ex.respond(reversed(body));
            return this;
        }

        Http write(byte[] bytes) {
            return write(bytes, 0, bytes.length);
        }

        Http write(String ascii) {
            return write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        Http write(byte[] bytes, int from, int to) {
            if (to > from && channel.isOpen()) {
                // from the channel's allocator, so that the leak detector tracks what the codec keeps of it
                channel.writeInbound(channel.alloc().buffer(to - from).writeBytes(bytes, from, to - from));
            }
            return this;
        }

        byte[] written() {
            channel.runPendingTasks();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (Object o; (o = channel.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                byte[] copy = new byte[b.readableBytes()];
                b.readBytes(copy);
                b.release();
                all.writeBytes(copy);
            }
            return all.toByteArray();
        }

        List<Response> responses() {
            return Response.parseAll(written());
        }

        Response only() {
            List<Response> r = responses();
            assertThat(r).hasSize(1);
            return r.get(0);
        }

        int unanswered() {
            HttpApiCodec codec = (HttpApiCodec) channel.pipeline().get(PipelineNames.FRAMING);
            return codec == null ? 0 : codec.unanswered();
        }
    }

    /** One parsed answer: status, headers in order (lower-case names), body. */
    record Response(int status, List<String[]> headers, byte[] body) {
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equals(name)) {
                    return h[1];
                }
            }
            return null;
        }

        static List<Response> parseAll(byte[] bytes) {
            List<Response> out = new ArrayList<>();
            int p = 0;
            while (p < bytes.length) {
                int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), p);
                assertThat(end).as("a complete head").isGreaterThanOrEqualTo(0);
                String[] lines = new String(bytes, p, end - p, StandardCharsets.US_ASCII).split("\r\n");
                assertThat(lines[0]).startsWith("HTTP/1.1 ");
                int status = Integer.parseInt(lines[0].substring(9, 12));
                List<String[]> headers = new ArrayList<>();
                for (int i = 1; i < lines.length; i++) {
                    int c = lines[i].indexOf(':');
                    headers.add(new String[] {lines[i].substring(0, c).toLowerCase(Locale.ROOT), lines[i].substring(c + 1).strip()});
                }
                p = end + 4;
                if (status == 100) {
                    out.add(new Response(status, headers, new byte[0]));
                    continue;
                }
                assertThat(headers.get(headers.size() - 1)[0]).as("Content-Length is the last header (Telethon reads it so)")
                        .isEqualTo("content-length");
                int length = Integer.parseInt(headers.get(headers.size() - 1)[1]);
                assertThat(p + length).as("the whole body").isLessThanOrEqualTo(bytes.length);
                out.add(new Response(status, headers, Arrays.copyOfRange(bytes, p, p + length)));
                p += length;
            }
            return out;
        }
    }

    @AfterEach
    void releaseEverything() {
        for (Http h : harnesses) {
            h.channel.finishAndReleaseAll();
        }
    }

    static byte[] reversed(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    static byte[] body(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] post(byte[] body, String extraHeaders) {
        return post("/api", body, extraHeaders);
    }

    static byte[] post(String path, byte[] body, String extraHeaders) {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:10443\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Connection: keep-alive\r\n" + extraHeaders + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return concat(head, body);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ------------------------------------------------------------------ the happy path

    @Test
    void aPostIsOneMtprotoPayloadAndItsAnswerTheResponseBody() {
        Http h = new Http();
        byte[] payload = body(72, 1);
        h.write(post(payload, ""));
        assertThat(h.events).containsExactly(new TransportDetected(TransportKind.HTTP, false, 0));
        assertThat(h.bodies).hasSize(1);
        assertThat(h.bodies.get(0)).isEqualTo(payload);
        assertThat(h.written()).as("nothing before the application answers").isEmpty();
        byte[] answer = body(88, 2);
        h.exchanges.get(0).respond(answer);
        Response r = h.only();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(answer);
        assertThat(r.header("connection")).isEqualTo("keep-alive");
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(r.header("content-type")).isEqualTo("application/octet-stream");
        assertThat(h.channel.isOpen()).isTrue();
        h.exchanges.get(0).respond(body(8, 3));
        assertThat(h.written()).as("a second answer to the same request is ignored").isEmpty();
        assertThat(h.rejections).isEmpty();
    }

    @Test
    void theWebClientsPathIsAcceptedAndAQueryIgnored() {
        Http h = new Http().echo();
        h.write(post("/apiw1", body(16, 1), "")).write(post("/api?x=1", body(16, 2), ""));
        assertThat(h.responses()).extracting(Response::status).containsExactly(200, 200);
        assertThat(h.bodies).hasSize(2);
    }

    /** Two pipelined requests, split into two writes at every point, then fed byte by byte. */
    @Test
    void everySplitPointOfPipelinedRequestsDeliversEachBodyOnceAndWhole() {
        byte[] a = body(40, 4);
        byte[] b = body(MAX_BODY, 5);
        // an empty line between requests is allowed (RFC 9112 2.2: some clients end a body with CRLF)
        byte[] stream = concat(post(a, "X-Any: 1\r\n"), "\r\n".getBytes(StandardCharsets.US_ASCII), post(b, ""));
        for (int split = 0; split <= stream.length; split++) {
            Http h = new Http().echo();
            h.write(stream, 0, split).write(stream, split, stream.length);
            assertThat(h.bodies).as("split at " + split).hasSize(2);
            assertThat(h.bodies.get(0)).isEqualTo(a);
            assertThat(h.bodies.get(1)).isEqualTo(b);
            List<Response> rs = h.responses();
            assertThat(rs).extracting(Response::body).containsExactly(reversed(a), reversed(b));
            assertThat(h.rejections).isEmpty();
            h.channel.finishAndReleaseAll();
        }
        Http h = new Http().echo();
        for (int i = 0; i < stream.length; i++) {
            h.write(stream, i, i + 1);
        }
        assertThat(h.bodies).hasSize(2);
        assertThat(h.responses()).extracting(Response::body).containsExactly(reversed(a), reversed(b));
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrderWhateverTheOrderOfTheAnswers() {
        Http h = new Http();
        h.write(concat(post(body(8, 1), ""), post(body(8, 2), ""), post(body(8, 3), "")));
        assertThat(h.exchanges).hasSize(3);
        h.exchanges.get(2).respond(new byte[] {3});
        assertThat(h.written()).as("the third waits for the first two").isEmpty();
        h.exchanges.get(0).respond(new byte[] {1});
        assertThat(h.responses()).extracting(r -> r.body()[0]).containsExactly((byte) 1);
        h.exchanges.get(1).respond(new byte[] {2});
        assertThat(h.responses()).extracting(r -> r.body()[0]).containsExactly((byte) 2, (byte) 3);
        assertThat(h.unanswered()).isZero();
    }

    @Test
    void http10ClosesAfterItsAnswerUnlessItAsksForKeepAlive() {
        Http close = new Http().echo();
        close.write(("POST /api HTTP/1.0\r\nContent-Length: 4\r\n\r\nabcd" + "POST /api HTTP/1.0\r\nContent-Length: 4\r\n\r\nefgh"));
        Response r = close.only();
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(close.bodies).as("nothing is read after a request that closes").hasSize(1);
        assertThat(close.channel.isOpen()).isFalse();

        Http keep = new Http().echo();
        keep.write("POST /api HTTP/1.0\r\nConnection: Keep-Alive\r\nContent-Length: 4\r\n\r\nabcd");
        assertThat(keep.only().header("connection")).isEqualTo("keep-alive");
        assertThat(keep.channel.isOpen()).isTrue();

        Http closing11 = new Http().echo();
        closing11.write(post(body(4, 1), "Connection: close\r\n"));
        assertThat(closing11.only().header("connection")).isEqualTo("close");
        assertThat(closing11.channel.isOpen()).isFalse();
    }

    @Test
    void expectContinueGetsAnInterimAnswerBeforeTheBody() {
        Http h = new Http().echo();
        byte[] full = post(body(100, 7), "Expect: 100-continue\r\n");
        int headEnd = indexOf(full, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0) + 4;
        h.write(full, 0, headEnd);
        List<Response> interim = h.responses();
        assertThat(interim).extracting(Response::status).containsExactly(100);
        h.write(full, headEnd, full.length);
        assertThat(h.only().status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ statuses

    @Test
    void transportErrorsAreStatusCodesWithTheCodeAsBodyThenClose() {
        Http h = new Http();
        h.onRequest = (body, ex) -> ex.fail(TransportError.AUTH_KEY_NOT_FOUND);
        h.write(post(body(24, 1), ""));
        Response r = h.only();
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).containsExactly(TestClient.le(-404));
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(h.channel.isOpen()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"-429, 429", "-403, 403", "-444, 421", "-1, 400"})
    void otherTransportErrors(int code, int status) {
        Http h = new Http();
        h.onRequest = (body, ex) -> ex.fail(code);
        h.write(post(body(24, 1), ""));
        assertThat(h.only().status()).isEqualTo(status);
        assertThat(h.channel.isOpen()).isFalse();
    }

    @Test
    void aTransportErrorWrittenByTheApplicationIsAnAnswerInItsTurn() {
        // what the connection rate limit does at TransportDetected: -429, then close
        Http h = new Http();
        h.write(post(body(8, 1), ""));
        h.channel.writeAndFlush(TransportError.closeAfter(TransportError.FLOOD));
        assertThat(h.written()).as("after the request already waiting").isEmpty();
        h.exchanges.get(0).respond(new byte[] {1});
        assertThat(h.responses()).extracting(Response::status).containsExactly(200, 429);
        assertThat(h.channel.isOpen()).isFalse();
    }

    @Test
    void quickAcksAreDroppedAndOutboundFramesRefused() {
        Http h = new Http();
        h.write(post(body(8, 1), ""));
        assertThat(h.channel.writeAndFlush(new QuickAck(0x80000001)).isSuccess()).isTrue();
        ByteBuf payload = Unpooled.buffer(8).writeLong(1);
        assertThat(h.channel.writeAndFlush(new OutboundFrame(payload)).isSuccess()).isFalse();
        assertThat(payload.refCnt()).isZero();
        assertThat(h.written()).isEmpty();
        assertThat(h.channel.isOpen()).isTrue();
    }

    @Test
    void anotherPathIs404AndAnotherMethod405AndTheConnectionStaysUsable() {
        Http h = new Http().echo();
        h.write(post("/other", body(8, 1), ""));
        h.write("HEAD /api HTTP/1.1\r\nHost: x\r\n\r\n");
        h.write("GET /api HTTP/1.1\r\nHost: x\r\n\r\n");
        h.write("DELETE /api HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
        h.write(post(body(8, 2), ""));
        List<Response> rs = h.responses();
        assertThat(rs).extracting(Response::status).containsExactly(404, 405, 405, 405, 200);
        assertThat(rs.get(1).header("allow")).isEqualTo("POST, OPTIONS");
        assertThat(rs.get(1).body()).isEmpty();
        assertThat(h.bodies).as("only the POST to /api reaches the application").hasSize(1);
        assertThat(h.channel.isOpen()).isTrue();
        assertThat(h.rejections).isEmpty();
    }

    @Test
    void aConnectionMayStartWithHeadOrOptions() {
        Http head = new Http();
        head.write("HEAD /api HTTP/1.1\r\n\r\n");
        assertThat(head.events).containsExactly(new TransportDetected(TransportKind.HTTP, false, 0));
        assertThat(head.only().status()).isEqualTo(405);

        Http star = new Http();
        star.write("OPTIONS * HTTP/1.1\r\n\r\n");
        assertThat(star.only().status()).isEqualTo(200);
    }

    @Test
    void corsPreflightIsAnswered() {
        Http h = new Http();
        h.write("OPTIONS /api HTTP/1.1\r\nOrigin: https://web.example\r\nAccess-Control-Request-Method: POST\r\n"
                + "Access-Control-Request-Headers: content-type, x-requested-with\r\n\r\n");
        Response r = h.only();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(r.header("access-control-allow-methods")).isEqualTo("POST, OPTIONS");
        assertThat(r.header("access-control-allow-headers")).isEqualTo("content-type, x-requested-with");
        assertThat(r.header("access-control-max-age")).isEqualTo("86400");
        assertThat(h.bodies).isEmpty();

        // a header list that is not a token list is not echoed (no header injection)
        Http bad = new Http();
        bad.write("OPTIONS /api HTTP/1.1\r\nAccess-Control-Request-Headers: a b, \"c\"\r\n\r\n");
        assertThat(bad.only().header("access-control-allow-headers")).isNull();
    }

    @Test
    void theAllowedOriginIsConfigurableOrOff() {
        Http one = new Http(SETTINGS.withHttp(new HttpSettings(512, 4, Duration.ofSeconds(70), Duration.ofSeconds(40),
                "https://web.example", List.of("/api"))));
        one.echo().write(post(body(8, 1), ""));
        Response r = one.only();
        assertThat(r.header("access-control-allow-origin")).isEqualTo("https://web.example");
        assertThat(r.header("vary")).isEqualTo("Origin");

        Http off = new Http(SETTINGS.withHttp(new HttpSettings(512, 4, Duration.ofSeconds(70), Duration.ofSeconds(40), "",
                List.of("/api"))));
        off.echo().write(post(body(8, 1), ""));
        off.write("OPTIONS /api HTTP/1.1\r\n\r\n");
        List<Response> rs = off.responses();
        assertThat(rs).allSatisfy(x -> assertThat(x.header("access-control-allow-origin")).isNull());
        assertThat(rs.get(1).header("access-control-allow-methods")).isNull();
    }

    @Test
    void anOversizeBodyIs413FromItsLengthBeforeAnyOfItIsBuffered() {
        Http h = new Http();
        h.write("POST /api HTTP/1.1\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n");
        Response r = h.only();
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.rejections).containsExactly(CloseReason.INVALID_HTTP_REQUEST);
        assertThat(h.bodies).isEmpty();
    }

    @Test
    void aBodyOfExactlyTheLimitIsAccepted() {
        Http h = new Http().echo();
        h.write(post(body(MAX_BODY, 9), ""));
        assertThat(h.only().status()).isEqualTo(200);
    }

    @Test
    void anOversizeHeadIs431AndAnOversizeRequestLine414() {
        Http head = new Http();
        head.write("POST /api HTTP/1.1\r\nX-Pad: " + "a".repeat(600) + "\r\n");
        assertThat(head.only().status()).isEqualTo(431);
        assertThat(head.channel.isOpen()).isFalse();

        Http line = new Http();
        line.write("POST /" + "a".repeat(600));
        assertThat(line.only().status()).isEqualTo(414);
        assertThat(line.channel.isOpen()).isFalse();
        assertThat(line.rejections).containsExactly(CloseReason.INVALID_HTTP_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "POST /api\r\n\r\n|400",
            "POST  /api HTTP/1.1\r\n\r\n|400",
            "POST /api HTTP/1.1\r\nthis is no header\r\n\r\n|400",
            "POST /api HTTP/1.1\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n|400",
            "POST /api HTTP/1.1\r\nContent-Length: 12a\r\n\r\n|400",
            "POST /api HTTP/1.1\r\nContent-Length: -1\r\n\r\n|400",
            "POST /api HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n|400",
            "POST /api HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n|413",
            "POST /api HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n|501",
            "POST /api HTTP/1.1\r\nHost: x\r\n\r\n|411",
            "POST /api HTTP/2.0\r\nContent-Length: 0\r\n\r\n|505",
            "POST /api HTTX/1.1\r\nContent-Length: 0\r\n\r\n|400",
            "POST api HTTP/1.1\r\nContent-Length: 0\r\n\r\n|400",
            "POST /api HTTP/1.1\r\nExpect: something\r\nContent-Length: 0\r\n\r\n|400",
            "POST /api HTTP/1.1\r\nBad Name: x\r\n\r\n|400",
            "OPTIONS\u0000 HTTP/1.1\r\n\r\n|400"})
    void malformedRequestsGetTheirStatusThenClose(String caseLine) {
        String request = caseLine.substring(0, caseLine.lastIndexOf('|'));
        int status = Integer.parseInt(caseLine.substring(caseLine.lastIndexOf('|') + 1));
        Http h = new Http().echo();
        h.write(request);
        h.write(post(body(8, 1), "")); // discarded: the connection is closing
        Response r = h.only();
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.bodies).isEmpty();
        assertThat(h.rejections).containsExactly(CloseReason.INVALID_HTTP_REQUEST);
    }

    @Test
    void garbageAfterAnAnsweredRequestIs400AfterTheEarlierAnswer() {
        Http h = new Http();
        h.write(post(body(8, 1), ""));
        h.write("\u0001\u0002garbage\r\n\r\n");
        assertThat(h.written()).as("the 400 waits for the earlier answer").isEmpty();
        assertThat(h.channel.isOpen()).isTrue();
        h.exchanges.get(0).respond(new byte[] {7});
        assertThat(h.responses()).extracting(Response::status).containsExactly(200, 400);
        assertThat(h.channel.isOpen()).isFalse();
    }

    @Test
    void randomGarbageNeverCrashesOrLeaks() {
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            Http h = new Http().echo();
            byte[] junk = new byte[random.nextInt(2000)];
            random.nextBytes(junk);
            h.write(i % 2 == 0 ? "POST " : "OPTIONS "); // HTTP, then anything
            for (int p = 0; p < junk.length; ) {
                int n = 1 + random.nextInt(200);
                h.write(junk, p, Math.min(junk.length, p + n));
                p += n;
                if (random.nextInt(4) == 0) {
                    h.write(post(body(random.nextInt(64), i), ""));
                }
            }
            h.written();
            h.channel.finishAndReleaseAll();
        }
    }

    // ------------------------------------------------------------------ bounds and timers

    @Test
    void atThePipeliningLimitNothingMoreIsDecodedOrReadUntilAnAnswer() {
        Http h = new Http();
        byte[] six = concat(post(body(8, 1), ""), post(body(8, 2), ""), post(body(8, 3), ""), post(body(8, 4), ""),
                post(body(8, 5), ""), post(body(8, 6), ""));
        h.write(six);
        assertThat(h.bodies).hasSize(HTTP.maxPipelined());
        assertThat(h.channel.config().isAutoRead()).isFalse();
        h.exchanges.get(0).respond(new byte[] {1});
        h.channel.runPendingTasks();
        assertThat(h.bodies).as("one answered: one more decoded").hasSize(5);
        assertThat(h.channel.config().isAutoRead()).isFalse();
        h.exchanges.get(1).respond(new byte[] {2});
        h.exchanges.get(2).respond(new byte[] {3});
        h.channel.runPendingTasks();
        assertThat(h.bodies).hasSize(6);
        assertThat(h.channel.config().isAutoRead()).isTrue();
        for (int i = 3; i < 6; i++) {
            h.exchanges.get(i).respond(new byte[] {(byte) (i + 1)});
        }
        assertThat(h.responses()).extracting(r -> (int) r.body()[0]).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void aPausedConnectionThatIsReadAnywayIsRefusedBeforeItsBufferGrowsPastOneRequest() {
        Http h = new Http();
        for (int i = 0; i < HTTP.maxPipelined(); i++) {
            h.write(post(body(8, i), ""));
        }
        h.channel.config().setAutoRead(true); // as the application does after a key lookup
        for (int i = 0; i < 3 && h.channel.isOpen(); i++) {
            h.write(post(body(MAX_BODY, i), ""));
        }
        assertThat(h.bodies).hasSize(HTTP.maxPipelined());
        for (HttpExchange ex : h.exchanges) {
            ex.respond(new byte[] {1});
        }
        List<Response> rs = h.responses();
        assertThat(rs).extracting(Response::status).endsWith(429);
        assertThat(h.channel.isOpen()).isFalse();
    }

    @Test
    void aHeldRequestIsNotCutByTheTransportTimersButByTheHoldBackstop() {
        Http h = new Http();
        h.write(post(body(8, 1), ""));
        h.channel.advanceTimeBy(60, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).as("held 60 s: longer than the handshake, stall and idle timeouts").isTrue();
        h.channel.advanceTimeBy(10, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).as("70 s: the backstop").isFalse();
        assertThat(h.rejections).containsExactly(CloseReason.HTTP_HOLD_EXPIRED);
    }

    @Test
    void theBackstopCountsFromEachRequestsOwnArrival() {
        Http h = new Http();
        h.write(post(body(8, 1), ""));
        h.channel.advanceTimeBy(50, TimeUnit.SECONDS);
        h.write(post(body(8, 2), ""));
        h.exchanges.get(0).respond(new byte[] {1});
        h.channel.advanceTimeBy(60, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).isTrue();
        h.channel.advanceTimeBy(10, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).isFalse();
    }

    @Test
    void aRequestStalledHalfwayIsClosedByTheStallTimer() {
        Http h = new Http();
        byte[] request = post(body(100, 1), "");
        h.write(request, 0, request.length - 10);
        h.channel.advanceTimeBy(19, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).isTrue();
        h.channel.advanceTimeBy(1, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.rejections).containsExactly(CloseReason.FRAME_STALL_TIMEOUT);
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() {
        Http h = new Http().echo();
        h.write(post(body(8, 1), ""));
        h.written();
        h.channel.advanceTimeBy(39, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        h.write(post(body(8, 2), ""));
        h.channel.advanceTimeBy(39, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).as("each request restarts the idle time").isTrue();
        h.channel.advanceTimeBy(1, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.rejections).containsExactly(CloseReason.HTTP_IDLE_TIMEOUT);
    }

    @Test
    void aConnectionClosedWithABodyHalfReceivedLeaksNothing() {
        Http h = new Http();
        byte[] request = post(body(500, 1), "");
        h.write(request, 0, request.length / 2);
        h.channel.close();
        assertThat(h.bodies).isEmpty();
        h.exchanges.forEach(ex -> ex.respond(new byte[] {1}));
    }

    @Test
    void anAnswerAfterTheConnectionClosedIsIgnored() {
        Http h = new Http();
        h.write(post(body(8, 1), ""));
        h.channel.close();
        h.exchanges.get(0).respond(new byte[] {1});
        assertThat(h.written()).isEmpty();
    }

    @Test
    void settingsAreChecked() {
        Duration s = Duration.ofSeconds(1);
        List<String> api = List.of("/api");
        assertThatThrownBy(() -> new HttpSettings(100, 4, s, s, "*", api)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpSettings(512, 4, s, s, "a\r\nb", api)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpSettings(512, 4, s, s, "*", List.of("api"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpSettings(512, 0, s, s, "*", api)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpSettings(512, 4, s, Duration.ZERO, "*", api)).isInstanceOf(IllegalArgumentException.class);
    }
}
