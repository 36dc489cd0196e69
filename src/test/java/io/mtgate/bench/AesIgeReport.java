package io.mtgate.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import io.mtgate.crypto.IgeBenchAccess;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * One measurement session for docs/PERFORMANCE.md: {@code openssl speed -evp aes-256-cbc} (the
 * single-stream limit; also with {@code -elapsed}, i.e. wall clock), {@link AesIgeBench} (JMH),
 * {@code openssl speed} again, and a Markdown table with the ratios. Records load average, CPU
 * model and JDK.
 *
 * <p>Besides JMH (wall clock), every operation is also timed by thread CPU time in this JVM
 * ({@link #cpuTimeRates}), which is what {@code openssl speed} reports by default: on a shared,
 * loaded machine only the CPU-time figures compare like with like.
 *
 * <p>Arguments (all optional): {@code forks=1 warmups=3 iterations=5 seconds=1 opensslSeconds=2
 * cpuSeconds=1}.
 */
public final class AesIgeReport {
    private static final int[] SIZES = {64, 1024, 16384, 262144};

    private AesIgeReport() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new TreeMap<>(Map.of("forks", "1", "warmups", "3", "iterations", "5",
                "seconds", "1", "opensslSeconds", "2"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        String loadBefore = BenchEnv.loadavg();
        String cpu = BenchEnv.cpuModel();
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String ossl = BenchEnv.run(List.of("openssl", "version")).trim();
        double[] before = opensslCbc(a.get("opensslSeconds"), false);
        double[] beforeWall = opensslCbc(a.get("opensslSeconds"), true);

        Options opt = new OptionsBuilder()
                .include(AesIgeBench.class.getName() + ".")
                .forks(Integer.parseInt(a.get("forks")))
                .warmupIterations(Integer.parseInt(a.get("warmups")))
                .warmupTime(TimeValue.seconds(Long.parseLong(a.get("seconds"))))
                .measurementIterations(Integer.parseInt(a.get("iterations")))
                .measurementTime(TimeValue.seconds(Long.parseLong(a.get("seconds"))))
                .build();
        String loadMid = BenchEnv.loadavg();
        Collection<RunResult> results = new Runner(opt).run();

        String loadCpu = BenchEnv.loadavg();
        Map<String, Double> cpuRates = cpuTimeRates(Double.parseDouble(a.getOrDefault("cpuSeconds", "1")));
        double[] after = opensslCbc(a.get("opensslSeconds"), false);
        double[] afterWall = opensslCbc(a.get("opensslSeconds"), true);
        String loadAfter = BenchEnv.loadavg();
        double limit = (before[5] + after[5]) / 2; // 16 KiB column, MB/s

        Map<String, double[]> score = new TreeMap<>(); // "native encrypt 16384" -> {ops/s, error}
        for (RunResult r : results) {
            String op = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String key = r.getParams().getParam("impl") + " " + op + " " + r.getParams().getParam("size");
            score.put(key, new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }

        StringBuilder sb = new StringBuilder();
        sb.append("\n==== AES-256-IGE report ====\n");
        sb.append("CPU: ").append(cpu).append('\n');
        sb.append("JDK: ").append(jdk).append('\n');
        sb.append("OpenSSL: ").append(ossl).append('\n');
        sb.append("load average (1/5/15 min): before openssl ").append(loadBefore).append("; before JMH ")
                .append(loadMid).append("; before CPU-time loop ").append(loadCpu).append("; after ")
                .append(loadAfter).append('\n');
        sb.append(String.format(Locale.ROOT,
                "openssl speed -evp aes-256-cbc 16 KiB: before %.1f MB/s, after %.1f MB/s, limit used %.1f MB/s%n",
                before[5], after[5], limit));
        sb.append("(openssl columns 16/64/256/1024/8192/16384 B, MB/s, before: ").append(fmt(before))
                .append("; after: ").append(fmt(after)).append(")\n");
        sb.append(String.format(Locale.ROOT,
                "openssl speed -elapsed (wall clock, like JMH) 16 KiB: before %.1f MB/s, after %.1f MB/s%n",
                beforeWall[5], afterWall[5]));
        sb.append("Ratios in parentheses: MB/s / limit (openssl default, user-CPU-time based). On a loaded\n"
                + "machine JMH (wall clock) loses time slices that openssl's default timing does not count.\n\n");
        sb.append("| size | native encrypt | native decrypt | jdk encrypt | jdk decrypt |\n");
        sb.append("|---|---|---|---|---|\n");
        for (int size : SIZES) {
            sb.append("| ").append(size).append(" B");
            for (String k : List.of("native encrypt", "native decrypt", "jdk encrypt", "jdk decrypt")) {
                double[] s = score.get(k + " " + size);
                if (s == null) {
                    sb.append(" | —");
                    continue;
                }
                double mbs = s[0] * size / 1e6;
                sb.append(String.format(Locale.ROOT, " | %,.0f ± %,.0f ops/s = %,.0f MB/s (%.2f)",
                        s[0], Double.isNaN(s[1]) ? 0 : s[1], mbs, mbs / limit));
            }
            sb.append(" |\n");
        }
        double wallLimit = (beforeWall[5] + afterWall[5]) / 2;
        sb.append(String.format(Locale.ROOT, "%nSame operations timed by thread CPU time (like openssl's default), MB/s per"
                + " CPU second (ratio to limit %.1f):%n", limit));
        sb.append("| size | native encrypt | native decrypt | jdk encrypt | jdk decrypt |\n|---|---|---|---|---|\n");
        for (int size : SIZES) {
            sb.append("| ").append(size).append(" B");
            for (String k : List.of("native encrypt", "native decrypt", "jdk encrypt", "jdk decrypt")) {
                Double v = cpuRates.get(k + " " + size);
                sb.append(v == null ? " | —" : String.format(Locale.ROOT, " | %,.0f MB/s (%.2f)", v, v / limit));
            }
            sb.append(" |\n");
        }
        Double ce = cpuRates.get("native encrypt 16384");
        Double cd = cpuRates.get("native decrypt 16384");
        if (ce != null && cd != null) {
            sb.append(String.format(Locale.ROOT, "%nnative 16 KiB, CPU time vs openssl default: encrypt %.3f, decrypt %.3f -> %s%n",
                    ce / limit, cd / limit, ce / limit >= 0.85 && cd / limit >= 0.85 ? "MET in both directions" : "NOT met"));
        }
        double[] ne = score.get("native encrypt 16384");
        double[] nd = score.get("native decrypt 16384");
        if (ne != null && nd != null) {
            double re = ne[0] * 16384 / 1e6 / limit;
            double rd = nd[0] * 16384 / 1e6 / limit;
            sb.append(String.format(Locale.ROOT, "native 16 KiB, JMH wall clock vs openssl default: encrypt %.3f, decrypt %.3f -> %s%n",
                    re, rd, re >= 0.85 && rd >= 0.85 ? "MET in both directions" : "NOT met"));
            sb.append(String.format(Locale.ROOT, "native 16 KiB, JMH wall clock vs openssl -elapsed (%.1f MB/s): encrypt %.3f, decrypt %.3f%n",
                    wallLimit, re * limit / wallLimit, rd * limit / wallLimit));
        }
        System.out.println(sb);
    }

    /**
     * MB/s per second of this thread's CPU time (user + system; ~all user here), the median of 3
     * rounds after a warm-up: comparable with openssl speed's default user-time measurement when
     * other processes compete for the CPUs.
     */
    static Map<String, Double> cpuTimeRates(double seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SplittableRandom r = new SplittableRandom();
        byte[][] keys = new byte[16][32]; // rotated, as in AesIgeBench
        byte[] iv = new byte[32];
        for (byte[] k : keys) {
            r.nextBytes(k);
        }
        r.nextBytes(iv);
        List<String> impls = IgeBenchAccess.nativeAvailable() ? List.of("native", "jdk") : List.of("jdk");
        Map<String, double[]> rounds = new TreeMap<>();
        for (int round = -1; round < 3; round++) { // round -1: warm-up
            for (String impl : impls) {
                for (String op : List.of("encrypt", "decrypt")) {
                    for (int size : SIZES) {
                        byte[] in = new byte[size];
                        byte[] out = new byte[size];
                        r.nextBytes(in);
                        boolean nat = impl.equals("native");
                        boolean enc = op.equals("encrypt");
                        long budget = (long) (seconds * 1e9);
                        long ops = 0;
                        long t0 = mx.getCurrentThreadCpuTime();
                        long t;
                        do {
                            for (int i = 0; i < 64; i++) {
                                if (enc) {
                                    IgeBenchAccess.encrypt(nat, keys[i & 15], iv, in, size, out);
                                } else {
                                    IgeBenchAccess.decrypt(nat, keys[i & 15], iv, in, size, out);
                                }
                            }
                            ops += 64;
                            t = mx.getCurrentThreadCpuTime() - t0;
                        } while (t < budget);
                        if (round >= 0) {
                            rounds.computeIfAbsent(impl + " " + op + " " + size, k -> new double[3])[round] =
                                    ops * (double) size / (t / 1e9) / 1e6;
                        }
                    }
                }
            }
        }
        Map<String, Double> median = new TreeMap<>();
        rounds.forEach((k, v) -> {
            double[] c = v.clone();
            Arrays.sort(c);
            median.put(k, c[1]);
        });
        return median;
    }

    private static String fmt(double[] v) {
        List<String> s = new ArrayList<>();
        for (double d : v) {
            s.add(String.format(Locale.ROOT, "%.1f", d));
        }
        return String.join(" / ", s);
    }

    /** MB/s (10^6 B/s) for 16, 64, 256, 1024, 8192, 16384 bytes. */
    static double[] opensslCbc(String seconds, boolean elapsed) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl", "speed"));
        if (elapsed) {
            cmd.add("-elapsed");
        }
        cmd.addAll(List.of("-evp", "aes-256-cbc", "-seconds", seconds));
        String out = BenchEnv.run(cmd);
        for (String line : out.split("\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("aes-256-cbc")) {
                String[] f = line.trim().split("\\s+");
                double[] v = new double[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    v[i - 1] = Double.parseDouble(f[i].replace("k", "")) / 1000; // 1000s of bytes/s -> MB/s
                }
                if (v.length == 6) {
                    return v;
                }
            }
        }
        throw new IllegalStateException("cannot parse openssl speed output:\n" + out);
    }
}
