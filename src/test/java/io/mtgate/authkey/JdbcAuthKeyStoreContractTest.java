package io.mtgate.authkey;

import io.mtgate.authkey.AuthKeyStore.SaveResult;
import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on {@link JdbcAuthKeyStore}, plus what only SQL storage can show. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcAuthKeyStoreContractTest extends AuthKeyStoreContractTest {

    protected TestDatabase db;
    private String skipReason;

    /** Creates and migrates the database for this class. */
    protected abstract TestDatabase openDatabase();

    @BeforeAll
    void openDb() {
        try {
            db = openDatabase();
        } catch (TestAbortedException e) {
            // Report every test as skipped with the reason, instead of a silent "Tests run: 0".
            skipReason = e.getMessage();
            System.err.println("SKIPPED " + getClass().getSimpleName() + ": " + skipReason);
        }
    }

    @AfterAll
    void closeDb() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void wipe() {
        db.wipe();
    }

    @Override
    protected AuthKeyStore newStore(Clock clock, int maxTemporaryKeys) {
        Assumptions.assumeTrue(db != null, () -> skipReason);
        return JdbcAuthKeyStore.create(db.dataSource(), new InMemoryTemporaryKeys(clock, maxTemporaryKeys));
    }

    protected JdbcClient sql() {
        return db.jdbc;
    }

    private long count(String table, AuthKeyId id) {
        return sql().sql("SELECT COUNT(*) FROM " + table + " WHERE auth_key_id = ?").param(id.value())
                .query(Long.class).single();
    }

    @Test
    void bodyIsStoredAsUnpaddedStandardBase64() {
        StoredAuthKey key = perm(nextId());
        store.save(key);

        String raw = sql().sql("SELECT body FROM auth_keys WHERE auth_key_id = ?").param(key.id().value())
                .query(String.class).single();
        assertThat(raw).hasSize(342).doesNotContain("=").doesNotContain("-").doesNotContain("_");
        assertThat(raw).isEqualTo(Base64.getEncoder().withoutPadding().encodeToString(key.body()));
        assertThat(Base64.getDecoder().decode(raw)).isEqualTo(key.body());
    }

    @Test
    void permanentKeyWritesTeamgramInfoRow() {
        StoredAuthKey key = perm(nextId());
        store.save(key);

        Map<String, Object> info = sql().sql("""
                        SELECT auth_key_type, perm_auth_key_id, temp_auth_key_id, media_temp_auth_key_id, deleted
                          FROM auth_key_infos WHERE auth_key_id = ?""")
                .param(key.id().value()).query().singleRow();
        // MariaDB's driver reads tinyint(1) as Boolean.
        assertThat(info.values()).allSatisfy(v -> assertThat(v instanceof Boolean b ? (b ? 1L : 0L)
                : ((Number) v).longValue()).isZero());
        assertThat(sql().sql("SELECT deleted FROM auth_keys WHERE auth_key_id = ?").param(key.id().value())
                .query(Integer.class).single()).isZero();
    }

    @Test
    void keyAndInfoRowsAreWrittenAtomically() {
        AuthKeyId id = nextId();
        // The auth_keys insert succeeds, then the auth_key_infos insert breaks a CHECK constraint.
        sql().sql("ALTER TABLE auth_key_infos ADD CONSTRAINT test_fail_between_inserts CHECK (auth_key_id <> "
                + id.value() + ")").update();
        try {
            assertThatThrownBy(() -> store.save(perm(id))).isInstanceOf(AuthKeyStoreException.class);
        } finally {
            sql().sql(dropCheckSql("test_fail_between_inserts")).update();
        }
        assertThat(count("auth_keys", id)).isZero();
        assertThat(count("auth_key_infos", id)).isZero();
        // And the id is still free afterwards.
        assertThat(store.save(perm(id))).isEqualTo(SaveResult.SAVED);
    }

    @Test
    void orphanInfoRowMakesTheIdDuplicateAndRollsBackTheKeyRow() {
        AuthKeyId id = nextId();
        sql().sql("INSERT INTO auth_key_infos (auth_key_id, auth_key_type) VALUES (?, 0)").param(id.value()).update();

        assertThat(store.save(perm(id))).isEqualTo(SaveResult.DUPLICATE_ID);
        assertThat(count("auth_keys", id)).isZero();
        assertThat(store.find(id)).isEmpty();
    }

    @Test
    void deleteIsASoftDeleteInBothTables() {
        StoredAuthKey key = perm(nextId());
        store.save(key);
        store.recordInitialSalt(key.id(), 9L, clock.instant());

        assertThat(store.delete(key.id())).isTrue();
        assertThat(sql().sql("SELECT deleted FROM auth_keys WHERE auth_key_id = ?").param(key.id().value())
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(sql().sql("SELECT deleted FROM auth_key_infos WHERE auth_key_id = ?").param(key.id().value())
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(count("auth_key_salts", key.id())).isZero();
    }

    @Test
    void temporaryKeysAndTheirSaltsNeverReachSql() {
        StoredAuthKey key = temp(nextId(), Duration.ofHours(1));
        store.save(key);
        store.recordInitialSalt(key.id(), 3L, clock.instant());
        StoredAuthKey media = StoredAuthKey.temporary(nextId(), body(), AuthKeyType.MEDIA_TEMPORARY,
                clock.instant(), clock.instant().plusSeconds(60));
        store.save(media);

        for (String t : new String[] {"auth_keys", "auth_key_infos", "auth_key_salts"}) {
            assertThat(sql().sql("SELECT COUNT(*) FROM " + t).query(Long.class).single()).as(t).isZero();
        }
        assertThat(store.find(key.id())).isPresent();
    }

    @Test
    void permanentKeySaltIsStoredInSaltTableAsUnixSeconds() {
        StoredAuthKey key = perm(nextId());
        store.save(key);
        store.recordInitialSalt(key.id(), 1234L, clock.instant());
        Map<String, Object> row = sql().sql(
                        "SELECT salt, valid_since, valid_until FROM auth_key_salts WHERE auth_key_id = ?")
                .param(key.id().value()).query().singleRow();
        long since = clock.instant().getEpochSecond();
        assertThat(((Number) row.get("salt")).longValue()).isEqualTo(1234L);
        assertThat(((Number) row.get("valid_since")).longValue()).isEqualTo(since);
        assertThat(((Number) row.get("valid_until")).longValue()).isEqualTo(since + 1800);
    }

    @Test
    void rowWrittenLikeTeamgramIsReadable() {
        AuthKeyId id = nextId();
        byte[] body = body();
        String goRawStd = Base64.getEncoder().withoutPadding().encodeToString(body);
        // Teamgram's DAO statements, verbatim (authsession/internal/dal/dao/mysql_dao).
        sql().sql("insert into auth_keys(auth_key_id, body) values (:auth_key_id, :body)")
                .param("auth_key_id", id.value()).param("body", goRawStd).update();
        sql().sql("insert into auth_key_infos(auth_key_id, auth_key_type, perm_auth_key_id, temp_auth_key_id,"
                        + " media_temp_auth_key_id) values (:auth_key_id, :auth_key_type, :perm_auth_key_id,"
                        + " :temp_auth_key_id, :media_temp_auth_key_id)")
                .param("auth_key_id", id.value()).param("auth_key_type", 0).param("perm_auth_key_id", 0L)
                .param("temp_auth_key_id", 0L).param("media_temp_auth_key_id", 0L).update();

        StoredAuthKey found = store.find(id).orElseThrow();
        assertThat(found.body()).isEqualTo(body);
        assertThat(found.type()).isEqualTo(AuthKeyType.PERMANENT);
        assertThat(store.save(perm(id))).isEqualTo(SaveResult.DUPLICATE_ID);
    }

    @Test
    void teamgramRowWithoutInfoRowIsPermanent_andPersistedTeamgramTempKeysAreIgnored() {
        AuthKeyId bare = nextId();
        byte[] body = body();
        sql().sql("insert into auth_keys(auth_key_id, body) values (?, ?)")
                .params(bare.value(), JdbcAuthKeyStore.encodeBody(body)).update();
        assertThat(store.find(bare).orElseThrow().body()).isEqualTo(body);

        // Teamgram stored temporary keys in SQL with no expiry: never trust them.
        AuthKeyId temp = nextId();
        sql().sql("insert into auth_keys(auth_key_id, body) values (?, ?)")
                .params(temp.value(), JdbcAuthKeyStore.encodeBody(body())).update();
        sql().sql("insert into auth_key_infos(auth_key_id, auth_key_type, perm_auth_key_id) values (?, 1, ?)")
                .params(temp.value(), bare.value()).update();
        assertThat(store.find(temp)).isEmpty();
        assertThat(store.save(temp(temp, Duration.ofMinutes(1)))).isEqualTo(SaveResult.DUPLICATE_ID);
    }

    @Test
    void corruptBodyIsAStoreError() {
        AuthKeyId id = nextId();
        sql().sql("insert into auth_keys(auth_key_id, body) values (?, ?)").params(id.value(), "AAAA").update();
        assertThatThrownBy(() -> store.find(id)).isInstanceOf(AuthKeyStoreException.class);
    }

    /** Vendor syntax for dropping a CHECK constraint. */
    protected String dropCheckSql(String name) {
        return "ALTER TABLE auth_key_infos DROP CONSTRAINT " + name;
    }
}
