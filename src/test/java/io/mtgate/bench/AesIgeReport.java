package io.mtgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
 * <p>Arguments (all optional): {@code forks=1 warmups=3 iterations=5 seconds=1 opensslSeconds=2}.
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
        String loadBefore = loadavg();
        String cpu = cpuModel();
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String ossl = run(List.of("openssl", "version")).trim();
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
        String loadMid = loadavg();
        Collection<RunResult> results = new Runner(opt).run();

        double[] after = opensslCbc(a.get("opensslSeconds"), false);
        double[] afterWall = opensslCbc(a.get("opensslSeconds"), true);
        String loadAfter = loadavg();
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
                .append(loadMid).append("; after ").append(loadAfter).append('\n');
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
        double[] ne = score.get("native encrypt 16384");
        double[] nd = score.get("native decrypt 16384");
        if (ne != null && nd != null) {
            double re = ne[0] * 16384 / 1e6 / limit;
            double rd = nd[0] * 16384 / 1e6 / limit;
            sb.append(String.format(Locale.ROOT, "%nnative 16 KiB ratio to limit: encrypt %.3f, decrypt %.3f -> 0.85 target %s%n",
                    re, rd, re >= 0.85 && rd >= 0.85 ? "MET in both directions" : "NOT met"));
        }
        System.out.println(sb);
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
        String out = run(cmd);
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

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(cmd + " failed:\n" + out);
        }
        return out;
    }

    private static String loadavg() throws IOException {
        String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static String cpuModel() throws IOException {
        return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.replaceFirst("model name\\s*:\\s*", "")).findFirst().orElse("?")
                + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
    }
}
