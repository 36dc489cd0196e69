package io.mtgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mtgate.crypto.AuthKeyId;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-thread salt cache returns exactly what the HMAC gives, also across collisions and evictions. */
class DerivedSaltsCacheTest {
    private static DerivedSalts salts(byte[] secret) {
        return new DerivedSalts(secret, Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofSeconds(60),
                new InitialSalts(Duration.ofMinutes(30), 1000));
    }

    @Test
    void cachedSaltsEqualComputedOnes() {
        byte[] secret = new byte[32];
        new SplittableRandom(1).nextBytes(secret);
        DerivedSalts cached = salts(secret);
        SplittableRandom r = new SplittableRandom(2);
        long[] ids = new long[5000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextLong();
        }
        for (int round = 0; round < 2; round++) {
            for (long id : ids) {
                for (long slot = 490_000; slot < 490_003; slot++) {
                    AuthKeyId key = new AuthKeyId(id);
                    assertEquals(salts(secret).saltOf(key, slot), cached.saltOf(key, slot));
                    assertEquals(salts(secret).saltOf(key, slot), cached.saltOf(key, slot), "second lookup (cached)");
                }
            }
        }
        assertEquals(salts(secret).saltOf(new AuthKeyId(7), -1), cached.saltOf(new AuthKeyId(7), -1));
        assertEquals(salts(secret).saltOf(new AuthKeyId(0), 0), cached.saltOf(new AuthKeyId(0), 0));
    }

    @Test
    void differentSecretsDoNotShareTheCache() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        b[0] = 1;
        DerivedSalts sa = salts(a);
        DerivedSalts sb = salts(b);
        AuthKeyId key = new AuthKeyId(42);
        long x = sa.saltOf(key, 5);
        long y = sb.saltOf(key, 5);
        assertEquals(x, salts(a).saltOf(key, 5));
        assertEquals(y, salts(b).saltOf(key, 5));
    }
}
