package io.mtgate.authkey;

import java.util.function.BooleanSupplier;

/** Waiting helpers for the storage drills: run maintenance ticks until a condition holds. */
final class Drills {
    private Drills() {
    }

    static void await(String what, BooleanSupplier condition, AuthKeyStorage... tick) {
        // Generous: the suite runs on 2 shared cores, sometimes at a load average above 20.
        long deadline = System.nanoTime() + 45_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder states = new StringBuilder();
                for (AuthKeyStorage s : tick) {
                    states.append("\n  ").append(s.health());
                }
                throw new AssertionError("timed out waiting until " + what + states);
            }
            for (AuthKeyStorage s : tick) {
                s.maintain();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Until the nodes hear their invalidation channel and trust their id sets (permanent and temporary) again. */
    static void awaitHealthy(AuthKeyStorage... nodes) {
        await("Redis tier healthy and id sets trusted", () -> {
            for (AuthKeyStorage n : nodes) {
                AuthKeyStorage.Health h = n.health();
                if (h.degraded() || !h.idsTrusted() || !h.tempIdsTrusted()) {
                    return false;
                }
            }
            return true;
        }, nodes);
    }
}
