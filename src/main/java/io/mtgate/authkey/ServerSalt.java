package io.mtgate.authkey;

import java.time.Instant;
import java.util.Objects;

/**
 * A server salt and the window in which the server accepts it: {@code validSince} inclusive,
 * {@code validUntil} exclusive. Stores keep both ends with whole-second precision.
 */
public record ServerSalt(long salt, Instant validSince, Instant validUntil) {

    public ServerSalt {
        Objects.requireNonNull(validSince, "validSince");
        Objects.requireNonNull(validUntil, "validUntil");
        if (!validUntil.isAfter(validSince)) {
            throw new IllegalArgumentException("validUntil must be after validSince");
        }
    }

    /** True when {@code validSince <= now < validUntil}. */
    public boolean isValidAt(Instant now) {
        return !now.isBefore(validSince) && now.isBefore(validUntil);
    }
}
