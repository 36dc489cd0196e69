package io.mtgate.rpc;

import io.mtgate.tl.TlLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of {@link RpcDispatcher}.
 *
 * @param waitTimeout     how long invokeAfterMsg(s) waits for the named queries before
 *                        {@code 400 MSG_WAIT_TIMEOUT} (Telegram: about 0.5 s)
 * @param defaultLayer    the layer of a key whose client never named one (no invokeWithLayer seen,
 *                        none stored)
 * @param limits          bounds for decoding queries
 * @param maxUnpackedSize largest size one gzip_packed may inflate to
 */
public record RpcSettings(Duration waitTimeout, ApiLayer defaultLayer, TlLimits limits, int maxUnpackedSize) {
    public static final RpcSettings DEFAULTS =
            new RpcSettings(Duration.ofMillis(500), ApiLayer.OLDEST, TlLimits.DEFAULT, 1 << 20);

    public RpcSettings {
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        Objects.requireNonNull(defaultLayer, "defaultLayer");
        Objects.requireNonNull(limits, "limits");
        if (waitTimeout.isNegative() || waitTimeout.isZero()) {
            throw new IllegalArgumentException("waitTimeout must be positive");
        }
    }
}
