package io.mtgate.authkey;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** JDBC store on the local PostgreSQL (fresh database per run, dropped afterwards). */
class PostgresJdbcAuthKeyStoreTest extends JdbcAuthKeyStoreContractTest {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgresql();
    }

    @Test
    void vendorIsPostgresql() {
        assertThat(db.vendor).isEqualTo("postgresql");
    }

    private Map<String, String> columns(String table) {
        Map<String, String> cols = new LinkedHashMap<>();
        sql().sql("""
                        SELECT column_name, data_type, character_maximum_length, is_nullable, is_identity
                          FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name = ?
                         ORDER BY ordinal_position""")
                .param(table)
                .query((rs, n) -> {
                    String len = rs.getString(3) == null ? "" : "(" + rs.getString(3) + ")";
                    return cols.put(rs.getString(1), rs.getString(2) + len + " " + rs.getString(4)
                            + ("YES".equals(rs.getString(5)) ? " identity" : ""));
                })
                .list();
        return cols;
    }

    @Test
    void authKeysHasTeamgramColumns() {
        assertThat(columns("auth_keys")).containsExactly(
                Map.entry("id", "bigint NO identity"),
                Map.entry("auth_key_id", "bigint NO"),
                Map.entry("body", "character varying(512) NO"),
                Map.entry("deleted", "smallint NO"),
                Map.entry("created_at", "timestamp with time zone NO"));
    }

    @Test
    void authKeyInfosHasTeamgramColumns() {
        assertThat(columns("auth_key_infos")).containsExactly(
                Map.entry("id", "bigint NO identity"),
                Map.entry("auth_key_id", "bigint NO"),
                Map.entry("auth_key_type", "integer NO"),
                Map.entry("perm_auth_key_id", "bigint NO"),
                Map.entry("temp_auth_key_id", "bigint NO"),
                Map.entry("media_temp_auth_key_id", "bigint NO"),
                Map.entry("deleted", "smallint NO"),
                Map.entry("created_at", "timestamp with time zone NO"),
                Map.entry("updated_at", "timestamp with time zone NO"));
    }

    @Test
    void authsHasTeamgramColumns() {
        Map<String, String> c = columns("auths");
        assertThat(c.keySet()).containsExactly("id", "auth_key_id", "layer", "api_id", "device_model",
                "system_version", "app_version", "system_lang_code", "lang_pack", "lang_code", "system_code",
                "proxy", "params", "client_ip", "date_active", "deleted", "created_at", "updated_at");
        assertThat(c.get("system_code")).isEqualTo("character varying(256) NO");
        assertThat(c.get("proxy")).isEqualTo("character varying(512) NO");
        assertThat(c.get("client_ip")).isEqualTo("character varying(32) NO");
        assertThat(c.get("params")).isEqualTo("json NO");
        assertThat(c.get("date_active")).isEqualTo("bigint NO");
    }

    @Test
    void authKeyIdIsUniqueInTeamgramTables() {
        for (String t : List.of("auth_keys", "auth_key_infos", "auths")) {
            List<String> unique = sql().sql("""
                            SELECT kcu.column_name
                              FROM information_schema.table_constraints tc
                              JOIN information_schema.key_column_usage kcu
                                ON kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name
                             WHERE tc.table_schema = current_schema() AND tc.table_name = ?
                               AND tc.constraint_type = 'UNIQUE'""")
                    .param(t).query(String.class).list();
            assertThat(unique).as(t).containsExactly("auth_key_id");
        }
    }

    @Test
    void updatedAtIsTouchedOnUpdate() {
        sql().sql("INSERT INTO auth_key_infos (auth_key_id, auth_key_type, updated_at)"
                + " VALUES (1, 0, TIMESTAMPTZ '2001-01-01 00:00:00Z')").update();
        sql().sql("UPDATE auth_key_infos SET deleted = 1 WHERE auth_key_id = 1").update();
        assertThat(sql().sql("SELECT updated_at > TIMESTAMPTZ '2001-01-01 00:00:00Z' FROM auth_key_infos"
                + " WHERE auth_key_id = 1").query(Boolean.class).single()).isTrue();
    }
}
