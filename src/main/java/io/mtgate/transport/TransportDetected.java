package io.mtgate.transport;

import java.util.Objects;

/**
 * User event fired through the pipeline (from the detector's position towards the application)
 * once the transport of a connection is known, before the first {@link InboundFrame} (or
 * {@link HttpRequestFrame}, for {@link TransportKind#HTTP}).
 *
 * @param kind       the framing in use
 * @param obfuscated whether the stream is wrapped in obfuscated2 AES-256-CTR
 * @param dcId       the signed DC id from the obfuscated2 header bytes 56..62 (checklist 1.8);
 *                   0 when the connection is not obfuscated. Only meaningful when the client is
 *                   an MTProxy client; plain obfuscated clients (e.g. Telethon) leave it random.
 * @param webSocket  the stream is carried in the binary messages of a WebSocket (checklist 1.10;
 *                   then always obfuscated)
 */
public record TransportDetected(TransportKind kind, boolean obfuscated, int dcId, boolean webSocket) {
    public TransportDetected {
        Objects.requireNonNull(kind, "kind");
    }

    /** A connection straight over TCP. */
    public TransportDetected(TransportKind kind, boolean obfuscated, int dcId) {
        this(kind, obfuscated, dcId, false);
    }
}
