package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.mtgate.transport.TestClient;
import io.mtgate.transport.TestClient.Item;
import io.mtgate.transport.TransportKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One raw TCP connection to the running gateway, speaking a transport through the transport tests'
 * client-side framing ({@link TestClient}: tag or obfuscated2 header, abridged / intermediate /
 * padded / full frames with seq and CRC, the client's CTR streams). Every read has a deadline;
 * {@link #close()} always closes the socket.
 *
 * <p>{@link #webSocket} connects with the JDK's own WebSocket client instead ({@code java.net.http},
 * an implementation independent of the server's Netty codec) to {@code ws://127.0.0.1:port/apiws}
 * with subprotocol {@code binary}; the same bytes then travel in binary messages, and the close
 * frame the server ends with is recorded ({@link #closeCode}, {@link #closeReason}).
 */
final class WireClient implements AutoCloseable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    static final int DC = 2;

    final TransportKind kind;
    final TestClient framing;
    private final Socket socket;
    private final InputStream in;
    private final Random random;
    private final ArrayDeque<Item> pending = new ArrayDeque<>();
    private boolean prologueSent;
    /** WebSocket mode: the JDK client, its received messages ({@link #WS_CLOSED} at the end). */
    private final WebSocket webSocket;
    private final BlockingQueue<byte[]> wsInbound;
    private byte[] wsLeftover = new byte[0];
    volatile int closeCode = -1;
    volatile String closeReason;
    private static final byte[] WS_CLOSED = new byte[0];
    private static HttpClient wsHttpClient;

    private WireClient(int port, TransportKind kind, TestClient.Mode mode, long seed) {
        this(port, kind, mode, seed, false);
    }

    private WireClient(int port, TransportKind kind, TestClient.Mode mode, long seed, boolean overWebSocket) {
        this.kind = kind;
        this.random = new Random(seed);
        this.framing = new TestClient(kind, mode, null, DC, random);
        if (overWebSocket) {
            socket = null;
            in = null;
            wsInbound = new LinkedBlockingQueue<>();
            try {
                webSocket = wsClient().newWebSocketBuilder().subprotocols("binary")
                        .connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/apiws"), new WsListener())
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("WebSocket connect failed", e);
            }
            return;
        }
        webSocket = null;
        wsInbound = null;
        try {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WireClient connect(int port, TransportKind kind, TestClient.Mode mode) {
        return new WireClient(port, kind, mode, System.nanoTime());
    }

    static WireClient intermediate(int port) {
        return connect(port, TransportKind.INTERMEDIATE, TestClient.Mode.PLAIN);
    }

    /** Over a WebSocket to {@code /apiws}: always obfuscated (checklist 1.10). */
    static WireClient webSocket(int port, TransportKind kind) {
        return new WireClient(port, kind, TestClient.Mode.OBFUSCATED, System.nanoTime(), true);
    }

    private static synchronized HttpClient wsClient() {
        if (wsHttpClient == null) {
            wsHttpClient = HttpClient.newHttpClient();
        }
        return wsHttpClient;
    }

    /** Queues every binary message's bytes; a close or an error ends the stream. */
    private final class WsListener implements WebSocket.Listener {
        private java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.writeBytes(b);
            if (last) {
                wsInbound.add(partial.toByteArray());
                partial = new java.io.ByteArrayOutputStream();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            wsInbound.add(WS_CLOSED);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode = statusCode;
            closeReason = reason;
            wsInbound.add(WS_CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            wsInbound.add(WS_CLOSED);
        }
    }

    /** Sends one payload as a frame of this transport (the tag / obfuscated2 header goes first). */
    void send(byte[] payload) {
        send(payload, false);
    }

    /** Sends one payload, with the quick-ACK request bit when {@code quickAck}. */
    void send(byte[] payload, boolean quickAck) {
        byte[] padding = new byte[kind == TransportKind.PADDED_INTERMEDIATE ? random.nextInt(16) : 0];
        random.nextBytes(padding);
        byte[] frame = framing.frame(payload, quickAck, padding);
        if (!prologueSent) {
            prologueSent = true;
            byte[] prologue = framing.prologue();
            byte[] both = Arrays.copyOf(prologue, prologue.length + frame.length);
            System.arraycopy(frame, 0, both, prologue.length, frame.length);
            frame = both;
        }
        sendRaw(frame);
    }

    /** Bytes exactly as given (no tag, no framing, no obfuscation). */
    void sendRaw(byte[] bytes) {
        if (webSocket != null) {
            try {
                webSocket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("WebSocket send failed", e);
            }
            return;
        }
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next payload the server sends; fails on a quick ACK, end of stream or the read timeout. */
    byte[] receive() {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        byte[] buf = new byte[4096];
        while (pending.isEmpty()) {
            int n = read(buf, deadline);
            if (n < 0) {
                fail("connection closed by the server while waiting for a frame");
            }
            pending.addAll(framing.receive(Arrays.copyOf(buf, n)));
        }
        Item item = pending.poll();
        assertNull(item.quickAck(), "unexpected quick ACK");
        return item.payload();
    }

    /** The next item the server sends: a payload or a quick ACK. */
    io.mtgate.transport.TestClient.Item receiveItem() {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        byte[] buf = new byte[4096];
        while (pending.isEmpty()) {
            int n = read(buf, deadline);
            if (n < 0) {
                fail("connection closed by the server while waiting for a frame");
            }
            pending.addAll(framing.receive(Arrays.copyOf(buf, n)));
        }
        return pending.poll();
    }

    /** The next frame is exactly the 4-byte transport error {@code code}, then the server closes. */
    void expectTransportErrorThenClose(int code) {
        byte[] payload = receive();
        assertArrayEquals(TestClient.le(code), payload,
                "expected transport error " + code + ", got " + HexFormat.of().formatHex(payload));
        expectClosed(Duration.ofSeconds(5));
    }

    /** The server closes the connection within {@code within} and sends nothing more. */
    void expectClosed(Duration within) {
        if (!pending.isEmpty()) {
            fail("unexpected frames before close: " + pending);
        }
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buf = new byte[4096];
        int n = read(buf, deadline);
        if (n >= 0) {
            fail("expected the server to close the connection, got " + n + " more byte(s): "
                    + HexFormat.of().formatHex(buf, 0, Math.min(n, 64)));
        }
    }

    /** No byte and no close within {@code quiet} (the connection is still open and silent). */
    void expectOpenAndSilent(Duration quiet) {
        if (webSocket != null) {
            try {
                byte[] got = wsLeftover.length > 0 ? wsLeftover : wsInbound.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
                if (got != null) {
                    fail(got == WS_CLOSED ? "server closed the WebSocket" : "server sent " + got.length + " byte(s)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
            return;
        }
        try {
            socket.setSoTimeout((int) quiet.toMillis());
            int b = in.read();
            fail(b < 0 ? "server closed the connection" : "server sent a byte: " + b);
        } catch (SocketTimeoutException expected) {
            // silent and open
        } catch (IOException e) {
            fail("connection failed: " + e);
        } finally {
            try {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            } catch (SocketException ignored) {
                // closed
            }
        }
    }

    /** Reads up to buf.length bytes before the deadline; -1 at end of stream (a reset counts as a close). */
    private int read(byte[] buf, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            fail("timed out waiting for the server");
        }
        if (webSocket != null) {
            return readMessage(buf, left);
        }
        try {
            socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
            return in.read(buf);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("timed out waiting for the server", e);
        } catch (SocketException e) {
            // "Connection reset": the server closed with unread client bytes pending.
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next bytes of the server's binary messages (boundaries do not matter), -1 after its close. */
    private int readMessage(byte[] buf, long leftNanos) {
        byte[] next = wsLeftover;
        if (next.length == 0) {
            try {
                next = wsInbound.poll(leftNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (next == null) {
                throw new AssertionError("timed out waiting for the server");
            }
            if (next == WS_CLOSED) {
                wsInbound.add(WS_CLOSED); // stays closed for later reads
                return -1;
            }
        }
        int n = Math.min(buf.length, next.length);
        System.arraycopy(next, 0, buf, 0, n);
        wsLeftover = Arrays.copyOfRange(next, n, next.length);
        return n;
    }

    @Override
    public void close() {
        if (webSocket != null) {
            webSocket.abort();
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
