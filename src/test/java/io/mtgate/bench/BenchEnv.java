package io.mtgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

/** What the report-style benchmarks record about the machine, and running reference commands. */
final class BenchEnv {
    private BenchEnv() {
    }

    /** Runs a command (e.g. {@code openssl speed}) and returns its output; fails on a non-zero exit. */
    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(cmd + " failed:\n" + out);
        }
        return out;
    }

    /** The 1, 5 and 15 minute load averages. */
    static String loadavg() throws IOException {
        String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
    }

    static String cpuModel() throws IOException {
        return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.replaceFirst("model name\\s*:\\s*", "")).findFirst().orElse("?")
                + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
    }
}
