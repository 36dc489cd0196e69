package io.mtgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PqTest {
    @Test
    void propertiesOverManySeeds() throws Exception {
        Set<Long> products = new HashSet<>();
        for (int seed = 0; seed < 300; seed++) {
            SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
            rnd.setSeed(seed);
            Pq pq = Pq.generate(rnd);
            long p = pq.p();
            long q = pq.q();
            assertTrue(p < q);
            assertTrue(p >= 1L << 30 && q < 1L << 31, pq.toString());
            assertTrue(BigInteger.valueOf(p).isProbablePrime(60), "p " + p);
            assertTrue(BigInteger.valueOf(q).isProbablePrime(60), "q " + q);
            BigInteger prod = BigInteger.valueOf(p).multiply(BigInteger.valueOf(q));
            assertEquals(prod.longValueExact(), pq.pq());
            assertTrue(pq.pq() > 0);
            byte[] bytes = pq.pqBytes();
            assertEquals(8, bytes.length);
            assertEquals(prod, new BigInteger(1, bytes));
            assertEquals(4, pq.pBytes().length);
            assertEquals(BigInteger.valueOf(p), new BigInteger(1, pq.pBytes()));
            products.add(pq.pq());
        }
        assertTrue(products.size() > 290, "products repeat: " + products.size());
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> new Pq(5, 5));
        assertThrows(IllegalArgumentException.class, () -> new Pq(7, 5));
        assertThrows(IllegalArgumentException.class, () -> new Pq(1, 5));
        assertThrows(IllegalArgumentException.class, () -> new Pq(4_294_967_311L, 4_294_967_357L));
        assertArrayEquals(new byte[] {0x13, 0x0b, 0x74, 0x75, 0x66, (byte) 0x9f, (byte) 0xeb, (byte) 0x8b},
                new Pq(1141464581L, 1202243663L).pqBytes());
    }

    @Test
    void primalityAgainstBigInteger() {
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < 20000; i++) {
            long n = i < 10000 ? i : (1L << 30) + (r.nextInt() & 0x7FFFFFFFL);
            assertEquals(BigInteger.valueOf(n).isProbablePrime(60), Primes.isPrime(n), "n=" + n);
        }
        assertTrue(Primes.isPrime(2_147_483_647L));
        assertFalse(Primes.isPrime(3_215_031_751L)); // strong pseudoprime to bases 2, 3, 5, 7
        assertTrue(Primes.isPrime(4_294_967_291L));
    }
}
