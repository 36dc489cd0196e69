package io.mtgate.handshake;

import io.mtgate.crypto.RsaKey;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/** Shared deterministic test fixtures (RSA keys are generated once per JVM). */
final class Fixtures {
    static final int DC = 2;
    static final RsaKey KEY1 = RsaKey.generate(seeded(1), 2048);
    static final RsaKey KEY2 = RsaKey.generate(seeded(2), 2048);
    /** Not configured on the server. */
    static final RsaKey OTHER = RsaKey.generate(seeded(3), 2048);

    private Fixtures() {
    }

    /** A deterministic SecureRandom (SHA1PRNG seeded before first use). */
    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static HandshakeConfig config() {
        return new HandshakeConfig(List.of(KEY1, KEY2), DC, Duration.ofDays(1), Duration.ofMinutes(10), 8);
    }

    /** A clock the test moves by hand. */
    static final class TestClock implements InstantSource {
        Instant now = Instant.parse("2025-01-03T13:28:11.123456789Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }
}
