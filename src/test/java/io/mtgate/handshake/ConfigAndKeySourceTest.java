package io.mtgate.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.Dh;
import io.mtgate.crypto.RsaKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigAndKeySourceTest {
    private static final List<RsaKey> KEYS = List.of(Fixtures.KEY1);

    @Test
    void configValidation() {
        Duration day = Duration.ofDays(1);
        Duration ten = Duration.ofMinutes(10);
        assertEquals(8, HandshakeConfig.of(KEYS, 2).maxConcurrentAttempts());
        assertThrows(IllegalArgumentException.class, () -> new HandshakeConfig(List.of(), 2, day, ten, 8));
        assertThrows(IllegalArgumentException.class,
                () -> new HandshakeConfig(List.of(Fixtures.KEY1, Fixtures.KEY1), 2, day, ten, 8));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeConfig(KEYS, 0, day, ten, 8));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeConfig(KEYS, -2, day, ten, 8));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeConfig(KEYS, 2, Duration.ZERO, ten, 8));
        assertThrows(IllegalArgumentException.class,
                () -> new HandshakeConfig(KEYS, 2, Duration.ofSeconds(1L << 31), ten, 8));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeConfig(KEYS, 2, day, Duration.ZERO, 8));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeConfig(KEYS, 2, day, ten, 0));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeConfig(KEYS, 2, day, ten, 65));
        assertThrows(NullPointerException.class, () -> new HandshakeConfig(null, 2, day, ten, 8));
        RsaKey small = RsaKey.generate(Fixtures.seeded(9), 1024);
        assertThrows(IllegalArgumentException.class, () -> new HandshakeConfig(List.of(small), 2, day, ten, 8));
    }

    @Test
    void onDemandGivesFreshValidPairs() {
        DhKeySource s = DhKeySource.onDemand(Fixtures.seeded(1));
        Dh.KeyPair a = s.next();
        Dh.KeyPair b = s.next();
        assertTrue(Dh.isValidPublic(a.gA()));
        assertNotEquals(a.gA(), b.gA());
        assertTrue(!a.toString().contains(a.a().toString(16)));
    }

    @Test
    void precomputedPoolRefillsAndHandsOutEachPairOnce() {
        try (PrecomputedDhKeys pool = new PrecomputedDhKeys(Fixtures.seeded(2), 4)) {
            assertEquals(0, pool.available());
            assertEquals(4, pool.refill());
            assertEquals(4, pool.available());
            assertEquals(0, pool.refill());
            Set<java.math.BigInteger> seen = new HashSet<>();
            for (int i = 0; i < 6; i++) { // 4 pooled + 2 on demand
                assertTrue(seen.add(pool.next().gA()));
            }
            assertEquals(0, pool.available());
        }
    }

    @Test
    void precomputedPoolBackgroundThreadFillsAndStops() throws Exception {
        // Other pools may live in this JVM (a Spring context of another test class): watch only ours.
        java.util.Set<Thread> before = fillerThreads();
        PrecomputedDhKeys pool = new PrecomputedDhKeys(Fixtures.seeded(3), 2).start();
        java.util.Set<Thread> ours = fillerThreads();
        ours.removeAll(before);
        assertEquals(1, ours.size(), "start() runs one filler thread");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.available() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, pool.available());
        pool.close();
        assertEquals(0, pool.available());
        Thread filler = ours.iterator().next();
        filler.join(5_000);
        assertFalse(filler.isAlive(), "close() stops the filler thread");
        assertTrue(Dh.isValidPublic(pool.next().gA()), "still works on demand after close");
        assertThrows(IllegalStateException.class, pool::start);
    }

    private static java.util.Set<Thread> fillerThreads() {
        java.util.Set<Thread> threads = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("mtgate-dh-precompute") && t.isAlive()) {
                threads.add(t);
            }
        }
        return threads;
    }

    @Test
    void sessionWorksWithPrecomputedPool() {
        try (PrecomputedDhKeys pool = new PrecomputedDhKeys(Fixtures.seeded(4), 2)) {
            pool.refill();
            HandshakeSession s = new HandshakeSession(Fixtures.config(), pool, Fixtures.seeded(5), new Fixtures.TestClock());
            TestClient c = new TestClient(Fixtures.seeded(6), Fixtures.KEY1.modulus(), Fixtures.KEY1.publicExponent(),
                    Fixtures.KEY1.fingerprint());
            c.onResPq(TestClient.reply(s.onPlainMessage(c.reqPqMulti())));
            c.onServerDhParams(TestClient.reply(s.onPlainMessage(
                    c.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.LEGACY, 0, 0))));
            assertEquals(1, pool.available());
            PendingKey k = ((HandshakeStep.StoreKey) s.onPlainMessage(c.setClientDhParams(0))).key();
            c.onDhGenOk(TestClient.reply(s.onKeyStored(k, StoreOutcome.SAVED)));
            org.junit.jupiter.api.Assertions.assertArrayEquals(c.authKey, k.authKey().bytes());
        }
    }
}
