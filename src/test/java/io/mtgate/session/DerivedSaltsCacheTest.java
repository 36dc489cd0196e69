package io.mtgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mtgate.crypto.AuthKeyId;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The per-thread salt cache returns exactly what the HMAC gives, also across collisions and evictions. */
class DerivedSaltsCacheTest {
    private static DerivedSalts salts(byte[] secret) {
        return new DerivedSalts(secret, Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofSeconds(60),
                new InitialSalts(Duration.ofMinutes(30), 1000));
    }

    /** The documented derivation, computed here independently: HMAC-SHA256(secret, id LE || slot LE)[0..8) LE. */
    private static long expected(byte[] secret, long id, long slot) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        byte[] h = mac.doFinal(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(id).putLong(slot).array());
        return ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void cachedSaltsEqualComputedOnes() throws Exception {
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
                    long want = expected(secret, id, slot);
                    assertEquals(want, cached.saltOf(key, slot));
                    assertEquals(want, cached.saltOf(key, slot), "second lookup (cached)");
                }
            }
        }
        assertEquals(expected(secret, 7, -1), cached.saltOf(new AuthKeyId(7), -1));
        assertEquals(expected(secret, 7, -1), cached.saltOf(new AuthKeyId(7), -1));
        assertEquals(expected(secret, 0, 0), cached.saltOf(new AuthKeyId(0), 0));
        assertEquals(expected(secret, 0, 0), cached.saltOf(new AuthKeyId(0), 0));
    }

    @Test
    void differentSecretsDoNotShareTheCache() throws Exception {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        b[0] = 1;
        DerivedSalts sa = salts(a);
        DerivedSalts sb = salts(b);
        AuthKeyId key = new AuthKeyId(42);
        long x = sa.saltOf(key, 5);
        long y = sb.saltOf(key, 5);
        assertEquals(expected(a, 42, 5), x);
        assertEquals(expected(b, 42, 5), y);
        assertEquals(expected(a, 42, 5), sa.saltOf(key, 5));
        assertEquals(expected(b, 42, 5), sb.saltOf(key, 5));
    }
}
