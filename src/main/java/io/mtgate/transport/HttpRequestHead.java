package io.mtgate.transport;

import java.util.Locale;

/**
 * The request line and the headers of one request that matter here, parsed and checked.
 *
 * @param method        the method token as sent (case-sensitive, RFC 9110)
 * @param path          the path of the target, without query
 * @param http10        HTTP/1.0 (else 1.1)
 * @param keepAlive     the connection stays open after the answer
 * @param contentLength the body length (0 when absent on a method other than POST)
 * @param expectContinue the client waits for {@code 100 Continue} before the body
 * @param requestHeaders {@code Access-Control-Request-Headers} (a checked token list), or null
 */
record HttpRequestHead(String method, String path, boolean http10, boolean keepAlive, long contentLength,
                       boolean expectContinue, String requestHeaders) {

    /**
     * Parses a complete head: {@code text} holds the bytes from the request line up to, not
     * including, the blank line that ends it, as ISO-8859-1 (one char per byte).
     *
     * @param maxBody largest body accepted (a larger Content-Length is 413 before any body byte is read)
     */
    static HttpRequestHead parse(String text, long maxBody) {
        int lineEnd = text.indexOf('\n');
        String requestLine = stripCr(lineEnd < 0 ? text : text.substring(0, lineEnd));
        int sp1 = requestLine.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
            throw new InvalidHttpRequestException(400, "malformed request line");
        }
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);
        if (!isToken(method)) {
            throw new InvalidHttpRequestException(400, "method is not a token");
        }
        boolean http10;
        if (version.equals("HTTP/1.1")) {
            http10 = false;
        } else if (version.equals("HTTP/1.0")) {
            http10 = true;
        } else if (version.length() == 8 && version.startsWith("HTTP/") && Character.isDigit(version.charAt(5))
                && version.charAt(6) == '.' && Character.isDigit(version.charAt(7))) {
            throw new InvalidHttpRequestException(505, "HTTP version " + version);
        } else {
            throw new InvalidHttpRequestException(400, "malformed HTTP version");
        }
        String path = pathOf(target);

        long contentLength = -1;
        boolean close = false;
        boolean keepAliveToken = false;
        boolean transferEncoding = false;
        boolean expectContinue = false;
        String requestHeaders = null;
        int p = lineEnd < 0 ? text.length() : lineEnd + 1;
        while (p < text.length()) {
            int e = text.indexOf('\n', p);
            String line = stripCr(e < 0 ? text.substring(p) : text.substring(p, e));
            p = e < 0 ? text.length() : e + 1;
            if (line.isEmpty()) {
                continue;
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                throw new InvalidHttpRequestException(400, "obsolete line folding");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new InvalidHttpRequestException(400, "malformed header line");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> {
                    long n = parseLength(value);
                    if (contentLength >= 0 && contentLength != n) {
                        throw new InvalidHttpRequestException(400, "conflicting Content-Length");
                    }
                    contentLength = n;
                }
                case "transfer-encoding" -> transferEncoding = true;
                case "connection" -> {
                    for (String t : value.split(",")) {
                        String token = t.strip().toLowerCase(Locale.ROOT);
                        close |= token.equals("close");
                        keepAliveToken |= token.equals("keep-alive");
                    }
                }
                case "expect" -> {
                    if (!value.equalsIgnoreCase("100-continue")) {
                        throw new InvalidHttpRequestException(400, "unsupported Expect");
                    }
                    expectContinue = true;
                }
                case "access-control-request-headers" -> requestHeaders = tokenList(value);
                default -> {
                }
            }
        }
        if (transferEncoding) {
            // Browsers and MTProto clients send a length; a chunked body would have no bound up front.
            throw new InvalidHttpRequestException(501, "Transfer-Encoding is not supported");
        }
        if (contentLength < 0) {
            if (method.equals("POST")) {
                throw new InvalidHttpRequestException(411, "POST without Content-Length");
            }
            contentLength = 0;
        }
        if (contentLength > maxBody) {
            throw new InvalidHttpRequestException(413, "body of " + contentLength + " bytes exceeds " + maxBody);
        }
        boolean keepAlive = !close && (!http10 || keepAliveToken);
        return new HttpRequestHead(method, path, http10, keepAlive, contentLength, expectContinue && contentLength > 0,
                requestHeaders);
    }

    /** origin-form {@code /api?x}, or absolute-form {@code http://host/api} (proxies). */
    private static String pathOf(String target) {
        String t = target;
        if (t.equals("*")) {
            return t; // asterisk-form: OPTIONS * asks about the server as a whole
        }
        if (t.regionMatches(true, 0, "http://", 0, 7) || t.regionMatches(true, 0, "https://", 0, 8)) {
            int slash = t.indexOf('/', t.indexOf("//") + 2);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        if (t.isEmpty() || t.charAt(0) != '/') {
            throw new InvalidHttpRequestException(400, "request target is not a path");
        }
        int q = t.indexOf('?');
        int f = t.indexOf('#');
        int end = q < 0 ? f : f < 0 ? q : Math.min(q, f);
        return end < 0 ? t : t.substring(0, end);
    }

    private static long parseLength(String v) {
        if (v.isEmpty() || v.length() > 10) {
            throw new InvalidHttpRequestException(v.length() > 10 ? 413 : 400, "bad Content-Length");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidHttpRequestException(400, "bad Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** A comma-separated token list (safe to echo in a header), else null. */
    private static String tokenList(String v) {
        StringBuilder out = new StringBuilder();
        for (String t : v.split(",")) {
            String token = t.strip();
            if (token.isEmpty()) {
                continue;
            }
            if (!isToken(token)) {
                return null;
            }
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(token);
        }
        return out.length() == 0 ? null : out.toString();
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** RFC 9110 token: visible ASCII except delimiters. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
