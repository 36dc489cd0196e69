package io.mtgate.transport;

/** Why the transport layer closed a connection on its own. */
public enum CloseReason {
    /** HTTP or fake-TLS first bytes: recognised but not supported (yet). */
    UNSUPPORTED_TRANSPORT,
    /** obfuscated2 header whose decrypted tag is not a known transport under any key. */
    INVALID_OBFUSCATION_HEADER,
    /** An MTProxy client named a DC other than ours (after -444 was sent). */
    WRONG_DC,
    /**
     * A {@code GET} that is not a valid WebSocket upgrade to {@code /apiws} (checklist 1.10): wrong
     * path, no {@code binary} subprotocol, not an upgrade, a body, oversize or malformed request
     * line or headers. Answered with an HTTP error status, then closed.
     */
    WEBSOCKET_REFUSED,
    FRAME_TOO_LARGE,
    INVALID_FRAME,
    BAD_CRC,
    BAD_SEQUENCE,
    /** No complete frame within the handshake timeout. */
    HANDSHAKE_TIMEOUT,
    /** A frame started but did not complete within the frame-stall timeout. */
    FRAME_STALL_TIMEOUT,
    /** HTTP: a malformed request (400, 411, 501, 505), or a head or body over its limit (413, 414, 431). */
    INVALID_HTTP_REQUEST,
    /** HTTP: no request in flight and none started within {@link HttpSettings#idleTimeout()} (keep-alive idle). */
    HTTP_IDLE_TIMEOUT,
    /** HTTP: a request stayed unanswered beyond the hold backstop ({@link HttpSettings#maxHold()}). */
    HTTP_HOLD_EXPIRED
}
