package io.mtgate.bench;

import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.handshake.HandshakeSession;
import io.mtgate.handshake.HandshakeStep;
import io.mtgate.handshake.PrecomputedDhKeys;
import io.mtgate.handshake.StoreOutcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Arrays;

/**
 * Server CPU time per handshake, measured with the thread's own CPU clock (ThreadMXBean), per step
 * and in total, over the same replayed transcripts as {@link HandshakeBench}. Thread CPU time is
 * not inflated by other processes waiting for the CPU (unlike wall time), which makes it the more
 * robust figure on a shared machine. Not a JMH benchmark: run it with
 * {@code java -cp ... io.mtgate.bench.HandshakeCpuTime [rounds]}.
 *
 * <p>Per handshake, the server's SecureRandom (SHA1PRNG with the transcript's seed) is created
 * outside the timed region; the precomputed pool is refilled outside it as well.
 */
public final class HandshakeCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        RsaKey key = RsaKey.generate(HandshakeTranscripts.seeded(42), 2048);
        HandshakeConfig config = HandshakeTranscripts.config(key);
        HandshakeTranscripts.Transcript[] ts = HandshakeTranscripts.record(key, 128, 1000);
        for (String variant : new String[] {"onDemand", "precomputed"}) {
            PrecomputedDhKeys pool = variant.equals("precomputed") ? new PrecomputedDhKeys(new SecureRandom(), 256) : null;
            DhKeySource dh = pool != null ? pool : DhKeySource.onDemand(new SecureRandom());
            run(variant + " (warm-up)", config, dh, pool, ts, Math.max(rounds / 2, 200));
            run(variant, config, dh, pool, ts, rounds);
            if (pool != null) {
                pool.close();
            }
        }
    }

    private static void run(String name, HandshakeConfig config, DhKeySource dh, PrecomputedDhKeys pool,
            HandshakeTranscripts.Transcript[] ts, int rounds) {
        long[] step = new long[4];
        long[] total = new long[rounds];
        long wall = 0;
        for (int i = 0; i < rounds; i++) {
            HandshakeTranscripts.Transcript t = ts[i % ts.length];
            if (pool != null && pool.available() == 0) {
                pool.refill();
            }
            SecureRandom r = HandshakeTranscripts.seeded(t.seed());
            long w0 = System.nanoTime();
            long c0 = THREADS.getCurrentThreadCpuTime();
            HandshakeSession s = new HandshakeSession(config, dh, r, InstantSource.system());
            check(s.onPlainMessage(t.reqPq()) instanceof HandshakeStep.Reply, s);
            long c1 = THREADS.getCurrentThreadCpuTime();
            check(s.onPlainMessage(t.reqDh()) instanceof HandshakeStep.Reply, s);
            long c2 = THREADS.getCurrentThreadCpuTime();
            HandshakeStep st = s.onPlainMessage(t.setClientDh());
            check(st instanceof HandshakeStep.StoreKey, s);
            long c3 = THREADS.getCurrentThreadCpuTime();
            check(s.onKeyStored(((HandshakeStep.StoreKey) st).key(), StoreOutcome.SAVED) instanceof HandshakeStep.Reply, s);
            long c4 = THREADS.getCurrentThreadCpuTime();
            wall += System.nanoTime() - w0;
            step[0] += c1 - c0;
            step[1] += c2 - c1;
            step[2] += c3 - c2;
            step[3] += c4 - c3;
            total[i] = c4 - c0;
        }
        Arrays.sort(total);
        double mean = Arrays.stream(total).average().orElse(0) / 1e3;
        System.out.printf("%-24s n=%d  CPU/handshake mean %.0f us, median %.0f us  => %.0f handshakes/s per core"
                        + " (median: %.0f/s)  | wall mean %.0f us%n", name, rounds, mean, total[rounds / 2] / 1e3,
                1e6 / mean, 1e9 / total[rounds / 2], wall / 1e3 / rounds);
        System.out.printf("%-24s   steps (mean CPU us): req_pq %.0f | req_DH_params %.0f | set_client_DH_params %.0f"
                        + " | onKeyStored %.0f%n", "", step[0] / 1e3 / rounds, step[1] / 1e3 / rounds,
                step[2] / 1e3 / rounds, step[3] / 1e3 / rounds);
    }

    private static void check(boolean ok, HandshakeSession s) {
        if (!ok) {
            throw new IllegalStateException("handshake step failed: " + s.lastFailure());
        }
    }
}
