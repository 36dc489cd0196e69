package io.mtgate.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Per-listener transport settings.
 *
 * @param maxFrameBytes      largest accepted inbound payload (the bytes of one {@link InboundFrame});
 *                           a larger declared length closes the connection before anything is
 *                           buffered (checklist 1.12)
 * @param handshakeTimeout   the first complete frame must arrive within this time after connect
 * @param frameStallTimeout  a frame that has started must be complete within this time
 * @param mtproxySecrets     16-byte MTProxy secrets (checklist 1.9) tried after the plain
 *                           obfuscated2 keys; may be empty. Copied.
 * @param dcId               this server's DC id; an MTProxy (secret-keyed) client naming another DC
 *                           in its header gets -444 and is closed
 * @param http               limits and headers of the HTTP transport (its bodies are bounded by
 *                           {@code maxFrameBytes})
 */
public record TransportSettings(int maxFrameBytes, Duration handshakeTimeout, Duration frameStallTimeout,
                                List<byte[]> mtproxySecrets, int dcId, HttpSettings http) {
    public static final int SECRET_BYTES = 16;
    /** Largest maxFrameBytes accepted (tdlib refuses to send 16 MiB and more). */
    public static final int MAX_FRAME_LIMIT = 16 * 1024 * 1024;

    public TransportSettings {
        if (maxFrameBytes < 64 || maxFrameBytes > MAX_FRAME_LIMIT) {
            throw new IllegalArgumentException("maxFrameBytes must be in [64, 16 MiB]: " + maxFrameBytes);
        }
        requirePositive(handshakeTimeout, "handshakeTimeout");
        requirePositive(frameStallTimeout, "frameStallTimeout");
        Objects.requireNonNull(mtproxySecrets, "mtproxySecrets");
        List<byte[]> copy = new ArrayList<>(mtproxySecrets.size());
        for (byte[] secret : mtproxySecrets) {
            if (secret == null || secret.length != SECRET_BYTES) {
                throw new IllegalArgumentException("an MTProxy secret must be 16 bytes");
            }
            copy.add(secret.clone());
        }
        mtproxySecrets = List.copyOf(copy);
        if (dcId <= 0 || dcId >= 10_000) {
            throw new IllegalArgumentException("dcId must be in [1, 9999]: " + dcId);
        }
        Objects.requireNonNull(http, "http");
    }

    /** With {@link HttpSettings#defaults()}. */
    public TransportSettings(int maxFrameBytes, Duration handshakeTimeout, Duration frameStallTimeout,
                             List<byte[]> mtproxySecrets, int dcId) {
        this(maxFrameBytes, handshakeTimeout, frameStallTimeout, mtproxySecrets, dcId, HttpSettings.defaults());
    }

    /** 1 MiB frames, 30 s handshake and stall timeouts, no MTProxy secrets, DC 2. */
    public static TransportSettings defaults() {
        return new TransportSettings(1024 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(30), List.of(), 2);
    }

    public TransportSettings withMtproxySecrets(List<byte[]> secrets) {
        return new TransportSettings(maxFrameBytes, handshakeTimeout, frameStallTimeout, secrets, dcId, http);
    }

    public TransportSettings withMaxFrameBytes(int max) {
        return new TransportSettings(max, handshakeTimeout, frameStallTimeout, mtproxySecrets, dcId, http);
    }

    public TransportSettings withHttp(HttpSettings settings) {
        return new TransportSettings(maxFrameBytes, handshakeTimeout, frameStallTimeout, mtproxySecrets, dcId, settings);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
