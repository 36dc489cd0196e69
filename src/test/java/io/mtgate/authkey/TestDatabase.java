package io.mtgate.authkey;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.jdbc.core.simple.JdbcClient;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh, Flyway-migrated database for one test class, without booting Spring: H2 in memory, or a
 * new database {@code mtgate_test_<random>} on the local MariaDB / PostgreSQL that {@link #close()}
 * drops. The migration location is resolved exactly as Spring Boot resolves
 * {@code classpath:db/migration/{vendor}} (vendor id from the JDBC URL).
 *
 * <p>The servers come from {@link TestServices}: the local ones when they answer, otherwise
 * jar-shipped real servers started for this JVM ({@code -Dmtgate.test.services=local|embedded|auto}).
 * When none is available: with the environment variable {@code CI} set the test fails, otherwise
 * it is skipped (aborted) with a message saying how to start the server.
 */
public final class TestDatabase implements AutoCloseable {

    /**
     * The H2 settings proposed for the application's default
     * {@code jdbc:h2:file:${mtgate.data-dir:./data}/mtgate;<these>}: MySQL mode with lower-case
     * identifiers (so quoted lower-case names such as Spring Data's {@code "auth_keys"} match).
     */
    static final String H2_SETTINGS = "MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";

    /** Server URLs; override with -Dmtgate.test.mariadb-url=... / -Dmtgate.test.postgres-url=... */
    static final String MARIADB_ADMIN_URL =
            System.getProperty("mtgate.test.mariadb-url", "jdbc:mariadb://127.0.0.1:3306/");
    static final String POSTGRES_ADMIN_URL =
            System.getProperty("mtgate.test.postgres-url", "jdbc:postgresql://127.0.0.1:5432/postgres");

    final String vendor;
    final String url;
    final HikariDataSource dataSource;
    private final String user;
    public final JdbcClient jdbc;
    private final Runnable dropper;

    private TestDatabase(String url, String user, Runnable dropper) {
        this.url = url;
        this.user = user;
        this.vendor = DatabaseDriver.fromJdbcUrl(url).getId();
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setUsername(user);
        cfg.setPassword("");
        cfg.setMaximumPoolSize(8);
        cfg.setPoolName("test-" + vendor);
        this.dataSource = new HikariDataSource(cfg);
        this.dropper = dropper;
        this.jdbc = JdbcClient.create(dataSource);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/" + vendor)
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    public static TestDatabase h2() {
        String url = "jdbc:h2:mem:mtgate_test_" + random() + ";" + H2_SETTINGS + ";DB_CLOSE_DELAY=-1";
        return new TestDatabase(url, "sa", () -> { });
    }

    public static TestDatabase h2DefaultMode() {
        String url = "jdbc:h2:mem:mtgate_test_" + random() + ";DB_CLOSE_DELAY=-1";
        return new TestDatabase(url, "sa", () -> { });
    }

    public static TestDatabase mariadb() {
        return mariadbOn(TestServices.mariadbAdminUrl());
    }

    /** A new database on the MariaDB server at {@code adminUrl} (ending in '/'; user root, no password). */
    public static TestDatabase mariadbOn(String adminUrl) {
        String name = "mtgate_test_" + random();
        admin(adminUrl, "root", "MariaDB",
                "start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
                "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return new TestDatabase(adminUrl + name, "root",
                () -> drop(adminUrl, "root", "DROP DATABASE IF EXISTS " + name));
    }

    public static TestDatabase postgresql() {
        return postgresqlOn(TestServices.postgresAdminUrl());
    }

    /** A new database on the PostgreSQL server at {@code adminUrl} (user postgres, trust). */
    public static TestDatabase postgresqlOn(String adminUrl) {
        String name = "mtgate_test_" + random();
        admin(adminUrl, "postgres", "PostgreSQL",
                "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
                "CREATE DATABASE " + name);
        String server = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1);
        return new TestDatabase(server + name, "postgres",
                () -> drop(adminUrl, "postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The JDBC URL of this test's own database (for a gateway process started against it). */
    public String url() {
        return url;
    }

    /** The user name {@link #url()} is opened with (the password is empty). */
    public String user() {
        return user;
    }

    /** Empties every table the store writes (between tests of one class). */
    void wipe() {
        for (String t : new String[] {"auth_key_salts", "auth_key_infos", "auth_keys", "auths"}) {
            jdbc.sql("DELETE FROM " + t).update();
        }
    }

    @Override
    public void close() {
        dataSource.close();
        dropper.run();
    }

    private static String random() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    }

    private static void drop(String url, String user, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not clean up: " + sql, e);
        }
    }

    private static void admin(String url, String user, String what, String hint, String sql) {
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(url, user, "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            String msg = what + " at " + url + " is unreachable or refused '" + sql + "': " + e.getMessage()
                    + " (" + hint + ")";
            if (System.getenv("CI") != null) {
                Assertions.fail(msg + " [CI is set: a missing database is a failure]", e);
            }
            Assumptions.abort(msg + " [skipped because CI is not set]");
        }
    }
}
