package io.mtgate.session;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server msg_ids (checklist 3.4): unixtime * 2^32 with the real fraction of the second, strictly
 * increasing over the whole process (hence within every session), {@code ≡ 1 (mod 4)} for answers
 * to client messages and {@code ≡ 3 (mod 4)} for everything else. Clients correct their clocks
 * from these ids, so they track the clock and only step past it when two ids fall in the same
 * 2^-30 s slot. Thread-safe and lock-free.
 */
public final class ServerMessageIds {
    private final InstantSource clock;
    private final AtomicLong last = new AtomicLong();

    public ServerMessageIds(InstantSource clock) {
        this.clock = clock;
    }

    /** The next id: {@code answer} selects residue 1 (answer) or 3 (server-initiated). */
    public long next(boolean answer) {
        Instant now = clock.instant();
        long fraction = ((long) now.getNano() << 32) / 1_000_000_000L;
        long residue = answer ? 1 : 3;
        long candidate = (now.getEpochSecond() << 32 | fraction) & ~3L | residue;
        while (true) {
            long prev = last.get();
            long id = candidate > prev ? candidate : ((prev & ~3L) + 4) | residue;
            if (last.compareAndSet(prev, id)) {
                return id;
            }
        }
    }
}
