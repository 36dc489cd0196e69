package io.mtgate.authkey;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} on a free port of 127.0.0.1, in a temporary directory, with no
 * persistence, so that failure drills can stop and restart it without touching the shared Redis
 * on 6379. The binary is the local {@code redis-server} or, without one, the jar-shipped one
 * ({@link TestServices#redisServer()}). When neither runs: with {@code CI} set the test fails,
 * otherwise it is skipped (as {@link TestDatabase} does for the databases).
 */
public final class RedisTestServer implements AutoCloseable {
    public final int port;
    private final Path dir;
    private final String exe;
    private Process process;

    private RedisTestServer(int port, Path dir, String exe) {
        this.port = port;
        this.dir = dir;
        this.exe = exe;
    }

    public static RedisTestServer start() {
        String exe = "redis-server";
        try {
            exe = TestServices.redisServer();
        } catch (IOException e) {
            throw giveUp(exe, e);
        }
        return start(exe);
    }

    /** A private server from the given {@code redis-server} binary. */
    static RedisTestServer start(String exe) {
        try {
            Path dir = Files.createTempDirectory("mtgate-redis-");
            RedisTestServer s = new RedisTestServer(freePort(), dir, exe);
            s.process = s.launch(exe);
            s.awaitReady();
            return s;
        } catch (IOException e) {
            throw giveUp(exe, e);
        }
    }

    private static AssertionError giveUp(String exe, IOException e) {
        String msg = "could not start a private redis-server (" + exe + "): " + e.getMessage()
                + " (install the Debian package redis-server)";
        if (System.getenv("CI") != null) {
            Assertions.fail(msg + " [CI is set: a missing Redis is a failure]", e);
        }
        Assumptions.abort(msg + " [skipped because CI is not set]");
        return new AssertionError(e);
    }

    private Process launch(String exe) throws IOException {
        return new ProcessBuilder(List.of(exe, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--logfile", dir.resolve("redis.log").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    }

    /** Kills the server (SIGKILL: like a crash or a network cut, nothing is said to clients). */
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts it again on the same port (empty: no persistence). */
    public void restart() {
        stop();
        try {
            process = launch(exe);
            awaitReady();
        } catch (IOException e) {
            throw new IllegalStateException("could not restart redis-server", e);
        }
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] b = new byte[7];
                int n = in.read(b);
                if (n > 0 && new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            if (process != null && !process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("stdout.log")));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException("redis-server on port " + port + " not ready", last);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary directory left behind
        }
    }
}
