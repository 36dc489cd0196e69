package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP answer before it is encoded. {@link #encode} writes {@code Content-Length} as the last
 * header: Telethon's reader takes the two bytes after that line as the blank line ending the head.
 *
 * @param status       the status code
 * @param body         the body (an MTProto payload, a 4-byte transport error, or empty)
 * @param close        close the connection after this answer, whatever the request asked
 * @param extraHeaders further header lines, each ending in CRLF (built by us, never from input)
 */
record HttpResponse(int status, byte[] body, boolean close, String extraHeaders) {
    private static final byte[] EMPTY = new byte[0];
    static final String ALLOW = "Allow: POST, OPTIONS\r\n";

    static HttpResponse ok(byte[] payload) {
        return new HttpResponse(200, payload, false, "");
    }

    static HttpResponse status(int status, boolean close) {
        return new HttpResponse(status, EMPTY, close, "");
    }

    static HttpResponse withHeaders(int status, String headers) {
        return new HttpResponse(status, EMPTY, false, headers);
    }

    /**
     * A transport error as a status code; the 4-byte code is the body too, because Telethon reads
     * the body, not the status, and tdlib reads the status.
     */
    static HttpResponse transportError(int code) {
        int status = switch (code) {
            case TransportError.AUTH_KEY_NOT_FOUND -> 404;
            case TransportError.FLOOD -> 429;
            case TransportError.FORBIDDEN -> 403;
            case TransportError.INVALID_DC -> 421;
            default -> 400;
        };
        byte[] body = {(byte) code, (byte) (code >> 8), (byte) (code >> 16), (byte) (code >> 24)};
        return new HttpResponse(status, body, true, "");
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 421 -> "Misdirected Request";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    /**
     * @param keepAlive   whether the connection stays open after this answer
     * @param corsOrigin  {@code Access-Control-Allow-Origin} value, or empty for none
     */
    ByteBuf encode(ByteBufAllocator alloc, boolean keepAlive, String corsOrigin) {
        StringBuilder h = new StringBuilder(192 + extraHeaders.length());
        h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        h.append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
        h.append("Content-Type: application/octet-stream\r\n");
        h.append("Cache-Control: no-store\r\n");
        h.append("Pragma: no-cache\r\n");
        if (!corsOrigin.isEmpty()) {
            h.append("Access-Control-Allow-Origin: ").append(corsOrigin).append("\r\n");
            if (!"*".equals(corsOrigin)) {
                h.append("Vary: Origin\r\n");
            }
        }
        h.append(extraHeaders);
        h.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuf out = alloc.directBuffer(head.length + body.length, head.length + body.length);
        out.writeBytes(head);
        out.writeBytes(body);
        return out;
    }

    /** {@code HTTP/1.1 100 Continue}: the client may send the body it announced with Expect. */
    static ByteBuf encodeContinue(ByteBufAllocator alloc) {
        byte[] b = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        return alloc.directBuffer(b.length, b.length).writeBytes(b);
    }
}
