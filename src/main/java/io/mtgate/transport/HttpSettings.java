package io.mtgate.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Limits and headers of the HTTP transport ({@code POST /api}, checklist 1.11). The body limit is
 * {@link TransportSettings#maxFrameBytes()}: one body is one MTProto payload.
 *
 * @param maxHeaderBytes  request line and headers of one request, line ends included; a request
 *                        line alone longer than this gets 414, a longer head 431, and the
 *                        connection is closed. Nothing beyond it is buffered
 * @param maxPipelined    requests of one connection waiting for their answers; at the limit the
 *                        connection is not read further until the oldest is answered (a client
 *                        that pipelines waits in its socket buffer, not in our memory)
 * @param maxHold         backstop for one unanswered request: the session answers every request
 *                        within {@code mtgate.session.max-http-wait}; one still unanswered after
 *                        this closes the connection (its answers could never go out in order)
 * @param idleTimeout     a keep-alive connection with no request in flight and nothing buffered
 *                        is closed after this (the server can say nothing on it)
 * @param corsAllowOrigin {@code Access-Control-Allow-Origin} of every response (browsers' web
 *                        clients); empty for no CORS headers at all
 * @param paths           request paths that carry MTProto; any other path gets 404
 */
public record HttpSettings(int maxHeaderBytes, int maxPipelined, Duration maxHold, Duration idleTimeout,
                           String corsAllowOrigin, List<String> paths) {
    public static final int MIN_HEADER_BYTES = 256;
    public static final int MAX_HEADER_BYTES = 64 * 1024;

    public HttpSettings {
        if (maxHeaderBytes < MIN_HEADER_BYTES || maxHeaderBytes > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("maxHeaderBytes must be in [256, 64 KiB]: " + maxHeaderBytes);
        }
        if (maxPipelined < 1 || maxPipelined > 1024) {
            throw new IllegalArgumentException("maxPipelined must be in [1, 1024]: " + maxPipelined);
        }
        Objects.requireNonNull(maxHold, "maxHold");
        if (maxHold.isNegative() || maxHold.isZero()) {
            throw new IllegalArgumentException("maxHold must be positive: " + maxHold);
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        Objects.requireNonNull(corsAllowOrigin, "corsAllowOrigin");
        for (int i = 0; i < corsAllowOrigin.length(); i++) {
            char c = corsAllowOrigin.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                // a header value of ours: no spaces, controls or line breaks (header injection)
                throw new IllegalArgumentException("corsAllowOrigin must be visible ASCII without spaces");
            }
        }
        paths = List.copyOf(Objects.requireNonNull(paths, "paths"));
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("at least one HTTP path is needed");
        }
        for (String p : paths) {
            if (!p.startsWith("/") || p.length() > 256 || !p.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '?')) {
                throw new IllegalArgumentException("an HTTP path starts with / and is visible ASCII without '?': " + p);
            }
        }
    }

    /**
     * 8 KiB heads, 16 pipelined requests, 70 s hold (the session's 60 s max-http-wait plus a
     * margin), 75 s keep-alive idleness, {@code Access-Control-Allow-Origin: *}, paths {@code /api}
     * and {@code /apiw1} (the path Telegram's web clients use for HTTP).
     */
    public static HttpSettings defaults() {
        return new HttpSettings(8 * 1024, 16, Duration.ofSeconds(70), Duration.ofSeconds(75), "*",
                List.of("/api", "/apiw1"));
    }
}
