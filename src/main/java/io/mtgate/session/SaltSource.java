package io.mtgate.session;

import io.mtgate.crypto.AuthKeyId;
import java.time.Instant;
import java.util.List;

/** Server salts of an auth key (checklist 3.6). Thread-safe. */
public interface SaltSource {
    /** The salt the server writes into its messages and offers in bad_server_salt at {@code now}. */
    long current(AuthKeyId key, Instant now);

    /** Whether a client message carrying {@code salt} at {@code now} passes the salt check. */
    boolean accepts(AuthKeyId key, long salt, Instant now);

    /** Up to {@code num} salts starting with the current one, ordered, with overlapping windows. */
    List<FutureSalt> future(AuthKeyId key, Instant now, int num);

    /**
     * One {@code future_salt}: valid from {@code validSince} (inclusive) to {@code validUntil}
     * (exclusive), unix seconds.
     */
    record FutureSalt(int validSince, int validUntil, long salt) {
    }
}
