package io.mtgate.authkey;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The {vendor} migration layout, as Spring Boot itself resolves it. */
class MigrationLayoutTest {

    private static String configuredLocations() throws IOException {
        Properties p = new Properties();
        try (InputStream in = MigrationLayoutTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        return p.getProperty("spring.flyway.locations");
    }

    @Test
    void applicationPropertiesUsesTheVendorPlaceholder() throws IOException {
        assertThat(configuredLocations()).isEqualTo("classpath:db/migration/{vendor}");
    }

    @Test
    void bootVendorIdsMatchTheDirectories() {
        assertThat(DatabaseDriver.fromJdbcUrl("jdbc:h2:mem:x").getId()).isEqualTo("h2");
        assertThat(DatabaseDriver.fromJdbcUrl("jdbc:mariadb://h/db").getId()).isEqualTo("mariadb");
        assertThat(DatabaseDriver.fromJdbcUrl("jdbc:mysql://h/db").getId()).isEqualTo("mysql");
        assertThat(DatabaseDriver.fromJdbcUrl("jdbc:postgresql://h/db").getId()).isEqualTo("postgresql");
        for (String v : List.of("h2", "mariadb", "mysql", "postgresql")) {
            assertThat(MigrationLayoutTest.class.getResource("/db/migration/" + v + "/V1__teamgram_auth_tables.sql"))
                    .as(v).isNotNull();
            assertThat(MigrationLayoutTest.class.getResource("/db/migration/" + v + "/V2__auth_key_salts.sql"))
                    .as(v).isNotNull();
        }
    }

    @Test
    void mysqlAndMariadbMigrationsAreIdentical() throws IOException {
        Path root = Path.of("db/migration");
        List<String> names;
        try (Stream<Path> s = Files.list(root.resolve("mariadb"))) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        try (Stream<Path> s = Files.list(root.resolve("mysql"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(names);
        }
        for (String n : names) {
            assertThat(Files.readString(root.resolve("mysql").resolve(n)))
                    .as(n).isEqualTo(Files.readString(root.resolve("mariadb").resolve(n)));
        }
    }

    private ApplicationContextRunner boot(String url) throws IOException {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        FlywayAutoConfiguration.class))
                .withPropertyValues("spring.flyway.locations=" + configuredLocations(),
                        "spring.datasource.url=" + url);
    }

    @Test
    void springBootMigratesTheDefaultEmbeddedH2() throws IOException {
        boot("jdbc:h2:mem:boot_default;DB_CLOSE_DELAY=-1").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Flyway.class);
            assertThat(tables(ctx.getBean(DataSource.class)))
                    .contains("auth_keys", "auth_key_infos", "auths", "auth_key_salts");
        });
    }

    @Test
    void springBootMigratesTheProposedH2FileDatabase(@TempDir Path dataDir) throws IOException {
        // The proposed application default: jdbc:h2:file:${mtgate.data-dir:./data}/mtgate;<settings>
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath() + "/mtgate;" + TestDatabase.H2_SETTINGS;
        boot(url).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            DataSource ds = ctx.getBean(DataSource.class);
            assertThat(tables(ds)).contains("auth_keys", "auth_key_infos", "auths", "auth_key_salts");
            // Durable across a restart: save with one store, reopen, find.
            JdbcAuthKeyStore store = JdbcAuthKeyStore.create(ds, new InMemoryTemporaryKeys(java.time.Clock.systemUTC(), 1));
            StoredAuthKey key = StoredAuthKey.permanent(new io.mtgate.crypto.AuthKeyId(99), new byte[256],
                    java.time.Instant.parse("2025-01-01T00:00:00Z"));
            store.save(key);
        });
        boot(url).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            JdbcAuthKeyStore store = JdbcAuthKeyStore.create(ctx.getBean(DataSource.class),
                    new InMemoryTemporaryKeys(java.time.Clock.systemUTC(), 1));
            assertThat(store.find(new io.mtgate.crypto.AuthKeyId(99))).isPresent();
        });
    }

    private static List<String> tables(DataSource ds) {
        return JdbcClient.create(ds).sql(
                        "SELECT LOWER(table_name) FROM information_schema.tables WHERE LOWER(table_schema) = 'public'")
                .query(String.class).list();
    }
}
