package io.mtgate.drill;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as a separate OS process ({@code java -cp <main classes + dependencies>
 * io.mtgate.MtgateApplication --...}), so that a test can kill it for real: {@link #kill9()} is
 * SIGKILL (no shutdown hook, no flush, no pool close), {@link #stop()} is SIGTERM. Every start of
 * one instance reuses the same data dir (RSA key, salt secret, H2 file), database and ports.
 *
 * <p>The test classes are left off the child's class path on purpose: the application scans
 * {@code io.mtgate.**}, and test configurations there ({@code @TestConfiguration} beans, nested
 * {@code @Configuration} classes with an in-memory database) would otherwise be wired into it.
 * Output goes to {@code target/drill-logs/<name>-<n>.log} for diagnosis.
 */
public final class GatewayProcess implements AutoCloseable {
    /** Start-up is slow on the 2 shared cores of CI (Spring, Flyway, ~12,000 generated TL classes). */
    static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    static final int SIGKILL_EXIT = 128 + 9;
    /** A JVM ended by SIGTERM exits 143 after its shutdown hooks (Spring's graceful close) ran. */
    static final int SIGTERM_EXIT = 128 + 15;

    private final String name;
    private final Path dataDir;
    private final int tcpPort;
    private final int httpPort;
    private final List<String> extraArgs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Path log;
    private int starts;

    /**
     * @param tcpPort the MTProto port; GramJS saves it as int16 in its StringSession, so drills
     *                with GramJS pick one below 32768 ({@link #freePort(int, int)})
     * @param extraArgs further {@code --name=value} arguments (the database, for example)
     */
    public GatewayProcess(String name, Path dataDir, int tcpPort, List<String> extraArgs) {
        this.name = name;
        this.dataDir = dataDir;
        this.tcpPort = tcpPort;
        // Below the kernel's ephemeral range (32768+): no outgoing connection can take it while
        // the process is down between a kill and its restart.
        this.httpPort = freePort(10000, 20000);
        this.extraArgs = List.copyOf(extraArgs);
    }

    public int tcpPort() {
        return tcpPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the process and waits until the MTProto port accepts and Actuator health is UP. */
    public GatewayProcess start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--enable-native-access")) {
                cmd.add(a); // the JNI crypto libraries, as in the test JVM
            }
        }
        cmd.add("-cp");
        cmd.add(mainClassPath());
        cmd.add("io.mtgate.MtgateApplication");
        cmd.add("--mtgate.data-dir=" + dataDir);
        cmd.add("--mtgate.tcp.host=127.0.0.1");
        cmd.add("--mtgate.tcp.port=" + tcpPort);
        cmd.add("--mtgate.dc-id=2");
        cmd.add("--server.address=127.0.0.1");
        cmd.add("--server.port=" + httpPort);
        cmd.addAll(extraArgs);
        try {
            Path dir = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")), "target", "drill-logs");
            Files.createDirectories(dir);
            log = dir.resolve(name + "-" + (++starts) + ".log");
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        awaitReady();
        return this;
    }

    /** SIGKILL (Process.destroyForcibly on Linux), then waits for the exit; returns the exit status. */
    public int kill9() {
        process.destroyForcibly();
        return awaitExit();
    }

    /** SIGTERM (Process.destroy on Linux): Spring's graceful shutdown; returns the exit status. */
    public int stop() {
        process.destroy();
        return awaitExit();
    }

    /** Starts again on the same data dir, database and ports (the previous process must be gone). */
    public GatewayProcess restart() {
        return start();
    }

    /** The value of one Prometheus sample, summed over the series whose labels contain {@code labels}. */
    public double metric(String name, String... labels) {
        String body = get("/actuator/prometheus");
        double sum = 0;
        boolean found = false;
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})?\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher m = p.matcher(body);
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= l.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no sample " + name + " " + List.of(labels) + " in /actuator/prometheus");
        }
        return sum;
    }

    /** Permanent keys this process created (mtproto.handshakes{result=ok,key_type=permanent}). */
    public double permanentHandshakes() {
        return metric("mtproto_handshakes_total", "key_type=\"permanent\"", "result=\"ok\"");
    }

    /** The last {@code max} characters of this start's output. */
    public String logTail(int max) {
        try {
            String s = log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
            return s.length() <= max ? s : "..." + s.substring(s.length() - max);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** All output of this start (for the RSA fingerprint line, say). */
    public String logText() {
        return logTail(Integer.MAX_VALUE);
    }

    @Override
    public void close() {
        if (isAlive()) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    private int awaitExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(name + " did not exit within 60 s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        boolean tcp = false;
        String health = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " while starting; log "
                        + log + ":\n" + logTail(4000));
            }
            if (!tcp) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", tcpPort), 500);
                    tcp = true;
                } catch (IOException notYet) {
                    // still starting
                }
            }
            if (tcp) {
                try {
                    health = get("/actuator/health");
                    if (health.contains("\"status\":\"UP\"")) {
                        return;
                    }
                } catch (RuntimeException notYet) {
                    // HTTP not up yet
                }
            }
            sleep(200);
        }
        close();
        throw new AssertionError(name + " not ready within " + START_TIMEOUT.toSeconds() + " s (tcp " + tcp
                + ", health " + health + "); log " + log + ":\n" + logTail(4000));
    }

    private String get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The test JVM's class path without the test classes: Surefire's own copy of it when present
     * (java.class.path may be a manifest-only booter jar), else java.class.path.
     */
    static String mainClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            if (entry.isBlank() || Paths.get(entry).normalize().endsWith(Paths.get("target", "test-classes"))) {
                continue;
            }
            kept.add(entry);
        }
        return String.join(File.pathSeparator, kept);
    }

    /** A port in [from, to) that is free now. */
    public static int freePort(int from, int to) {
        for (int i = 0; i < 200; i++) {
            int port = from + ThreadLocalRandom.current().nextInt(to - from);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IllegalStateException("no free port in " + from + ".." + to);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
