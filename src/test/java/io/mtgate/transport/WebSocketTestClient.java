package io.mtgate.transport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The client's side of a WebSocket (RFC 6455), written from the RFC independently of Netty: the
 * upgrade request, masked client frames, and a parser for what the server sends (the HTTP
 * response head, then unmasked frames).
 */
public final class WebSocketTestClient {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** A server frame. */
    public record Frame(int opcode, boolean fin, byte[] payload) {
        /** A close frame's status code (-1 if it has none). */
        public int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        public String closeReason() {
            return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    /** The server's bytes: the HTTP status and headers (lower-case names), then frames. */
    public record Response(int status, Map<String, String> headers, List<Frame> frames, int trailingBytes) {
    }

    private final Random random;
    public final String key;

    public WebSocketTestClient(Random random) {
        this.random = random;
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);
    }

    /** A well-formed upgrade request for {@code path} offering {@code protocols} (null: no header). */
    public byte[] upgrade(String path, String protocols) {
        StringBuilder r = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:10443\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (protocols != null) {
            r.append("Sec-WebSocket-Protocol: ").append(protocols).append("\r\n");
        }
        return r.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code Sec-WebSocket-Accept} value the server must answer to {@link #key}. */
    public String expectedAccept() {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A masked client frame. */
    public byte[] frame(int opcode, boolean fin, byte[] payload) {
        return frame(opcode, fin, payload, true);
    }

    public byte[] frame(int opcode, boolean fin, byte[] payload, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        header(out, payload.length, masked);
        if (!masked) {
            out.writeBytes(payload);
            return out.toByteArray();
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    /** Only the header of a masked frame declaring {@code length} payload bytes (none follow). */
    public static byte[] headerOnly(int opcode, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        header(out, length, true);
        out.writeBytes(new byte[4]);
        return out.toByteArray();
    }

    private static void header(ByteArrayOutputStream out, long length, boolean masked) {
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            out.write(maskBit | (int) length);
        } else if (length < 65536) {
            out.write(maskBit | 126);
            out.write((int) (length >> 8));
            out.write((int) length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >> shift));
            }
        }
    }

    /** Binary messages of {@code stream} cut at {@code cuts} (ascending offsets), each one frame. */
    public byte[] binaryMessages(byte[] stream, int... cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            out.writeBytes(frame(BINARY, true, java.util.Arrays.copyOfRange(stream, from, to)));
            from = to;
        }
        return out.toByteArray();
    }

    /** Parses everything the server wrote: an HTTP response head, then (after a 101) frames. */
    public static Response parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("no complete HTTP response head in " + bytes.length + " bytes: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (!statusLine[0].equals("HTTP/1.1")) {
            throw new AssertionError("status line " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        List<Frame> frames = new ArrayList<>();
        int p = end + 4;
        while (true) {
            int start = p;
            if (bytes.length - p < 2) {
                return new Response(Integer.parseInt(statusLine[1]), headers, frames, bytes.length - start);
            }
            int b0 = bytes[p++] & 0xff;
            int b1 = bytes[p++] & 0xff;
            if ((b1 & 0x80) != 0) {
                throw new AssertionError("the server masked a frame");
            }
            if ((b0 & 0x70) != 0) {
                throw new AssertionError("RSV bits set by the server");
            }
            long len = b1 & 0x7f;
            int extra = len == 126 ? 2 : len == 127 ? 8 : 0;
            if (bytes.length - p < extra) {
                return new Response(Integer.parseInt(statusLine[1]), headers, frames, bytes.length - start);
            }
            if (extra > 0) {
                len = 0;
                for (int i = 0; i < extra; i++) {
                    len = (len << 8) | (bytes[p++] & 0xff);
                }
                if ((extra == 2 && len < 126) || (extra == 8 && len < 65536)) {
                    throw new AssertionError("the server used a non-minimal length");
                }
            }
            if (bytes.length - p < len) {
                return new Response(Integer.parseInt(statusLine[1]), headers, frames, bytes.length - start);
            }
            frames.add(new Frame(b0 & 0x0f, (b0 & 0x80) != 0, java.util.Arrays.copyOfRange(bytes, p, p + (int) len)));
            p += (int) len;
        }
    }

    /** The payloads of the binary frames, concatenated: the server's byte stream. */
    public static byte[] binaryStream(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            if (f.opcode() == BINARY || f.opcode() == CONTINUATION) {
                out.writeBytes(f.payload());
            }
        }
        return out.toByteArray();
    }
}
