package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator points mtgate at the MySQL/MariaDB database Teamgram already runs on (README
 * "Storage", "An existing Teamgram database"). The database is built the way Teamgram builds it
 * (its phpMyAdmin-style dump, no Flyway history), holds keys written with Teamgram's own DAO
 * statements, and is then opened by Spring Boot's Flyway with the application's settings: refused
 * without the two baseline properties, migrated with them, and afterwards both sides read each
 * other's keys while Teamgram's other tables stay untouched.
 */
class TeamgramBaselineTest {

    private TestDatabase db;
    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void teamgramDatabase() throws IOException {
        db = TestDatabase.mariadb();
        // TestDatabase migrated it; start again from Teamgram's own layout.
        for (String t : List.of("flyway_schema_history", "auth_key_salts", "auth_key_infos", "auth_keys", "auths")) {
            db.jdbc.sql("DROP TABLE IF EXISTS " + t).update();
        }
        for (String statement : statements("/teamgram/teamgram_existing_database.sql")) {
            db.jdbc.sql(statement).update();
        }
    }

    @AfterEach
    void drop() {
        db.close();
    }

    @Test
    void refusedWithoutBaseline_migratedWithIt_thenBothSidesReadEachOthersKeys() throws IOException {
        byte[] teamgramBody = randomBody();
        long teamgramId = 0x1122334455667788L;
        insertLikeTeamgram(teamgramId, teamgramBody);
        db.jdbc.sql("insert into auth_users(auth_key_id, user_id, hash) values (?, ?, ?)")
                .params(teamgramId, 777000L, 42L).update();

        boot().run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(rootMessage(ctx.getStartupFailure())).contains("baseline");
        });
        assertThat(tableExists("auth_key_salts")).as("nothing created by the refused start").isFalse();
        assertThat(tableExists("flyway_schema_history")).isFalse();

        ApplicationContextRunner withBaseline = boot().withPropertyValues(
                "spring.flyway.baseline-on-migrate=true", "spring.flyway.baseline-version=0");
        withBaseline.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            DataSource ds = ctx.getBean(DataSource.class);
            JdbcAuthKeyStore store = JdbcAuthKeyStore.create(ds, new InMemoryTemporaryKeys(Clock.systemUTC(), 4));

            StoredAuthKey found = store.find(new AuthKeyId(teamgramId)).orElseThrow();
            assertThat(found.body()).isEqualTo(teamgramBody);
            assertThat(found.type()).isEqualTo(AuthKeyType.PERMANENT);

            byte[] ourBody = randomBody();
            long ourId = -0x0102030405060708L;
            assertThat(store.save(StoredAuthKey.permanent(new AuthKeyId(ourId), ourBody, Instant.now())))
                    .isEqualTo(AuthKeyStore.SaveResult.SAVED);
            store.recordInitialSalt(new AuthKeyId(ourId), 99L, Instant.now());
            // Teamgram's DAO reads (authsession mysql_dao): the body as Go's RawStdEncoding.
            String body = db.jdbc.sql("select body from auth_keys where auth_key_id = ? and deleted = 0")
                    .param(ourId).query(String.class).single();
            assertThat(Base64.getDecoder().decode(body)).isEqualTo(ourBody);
            assertThat(body).doesNotEndWith("=");
            Map<String, Object> info = db.jdbc.sql(
                            "select auth_key_type, perm_auth_key_id from auth_key_infos where auth_key_id = ?")
                    .param(ourId).query().singleRow();
            assertThat(((Number) info.get("auth_key_type")).intValue()).isZero();
        });

        assertThat(db.jdbc.sql("select version, type, success from flyway_schema_history order by installed_rank")
                .query((rs, i) -> rs.getString(1) + ":" + rs.getString(2) + ":" + rs.getBoolean(3)).list())
                .containsExactly("0:BASELINE:true", "1:SQL:true", "2:SQL:true");
        assertThat(tableExists("auth_key_salts")).isTrue();
        // Teamgram's other tables and rows are left as they were.
        assertThat(db.jdbc.sql("select user_id from auth_users where auth_key_id = ?").param(teamgramId)
                .query(Long.class).single()).isEqualTo(777000L);
        assertThat(tableExists("devices")).isTrue();
        assertThat(db.jdbc.sql("select count(*) from auth_keys").query(Long.class).single()).isEqualTo(2L);

        // A restart with the same settings finds the history and does nothing more.
        withBaseline.run(ctx -> assertThat(ctx).hasNotFailed());
        assertThat(db.jdbc.sql("select count(*) from flyway_schema_history").query(Long.class).single()).isEqualTo(3L);
    }

    @Test
    void anOlderTeamgramWithoutAuthsGetsTheTableFromTheBaselinedMigration() throws IOException {
        db.jdbc.sql("DROP TABLE auths").update();
        boot().withPropertyValues("spring.flyway.baseline-on-migrate=true", "spring.flyway.baseline-version=0")
                .run(ctx -> assertThat(ctx).hasNotFailed());
        assertThat(tableExists("auths")).isTrue();
        assertThat(db.jdbc.sql("select count(*) from information_schema.columns where table_schema = database()"
                + " and table_name = 'auths'").query(Long.class).single()).isEqualTo(18L);
    }

    private ApplicationContextRunner boot() throws IOException {
        Properties app = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            app.load(in);
        }
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        FlywayAutoConfiguration.class))
                .withPropertyValues("spring.flyway.locations=" + app.getProperty("spring.flyway.locations"),
                        "spring.datasource.url=" + db.url(), "spring.datasource.username=" + db.user(),
                        "spring.datasource.password=");
    }

    private void insertLikeTeamgram(long id, byte[] body) {
        String goRawStd = Base64.getEncoder().withoutPadding().encodeToString(body);
        db.jdbc.sql("insert into auth_keys(auth_key_id, body) values (:auth_key_id, :body)")
                .param("auth_key_id", id).param("body", goRawStd).update();
        db.jdbc.sql("insert into auth_key_infos(auth_key_id, auth_key_type, perm_auth_key_id, temp_auth_key_id,"
                        + " media_temp_auth_key_id) values (:auth_key_id, :auth_key_type, :perm_auth_key_id,"
                        + " :temp_auth_key_id, :media_temp_auth_key_id)")
                .param("auth_key_id", id).param("auth_key_type", 0).param("perm_auth_key_id", 0L)
                .param("temp_auth_key_id", 0L).param("media_temp_auth_key_id", 0L).update();
    }

    private boolean tableExists(String name) {
        return db.jdbc.sql("select count(*) from information_schema.tables where table_schema = database()"
                + " and table_name = ?").param(name).query(Long.class).single() > 0;
    }

    private byte[] randomBody() {
        byte[] b = new byte[256];
        random.nextBytes(b);
        return b;
    }

    private static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static List<String> statements(String resource) throws IOException {
        try (InputStream in = TeamgramBaselineTest.class.getResourceAsStream(resource)) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder noComments = new StringBuilder();
            for (String line : sql.split("\n")) {
                if (!line.startsWith("--")) {
                    noComments.append(line).append('\n');
                }
            }
            return Arrays.stream(noComments.toString().split(";")).map(String::strip).filter(s -> !s.isEmpty())
                    .toList();
        }
    }
}
