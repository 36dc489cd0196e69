package io.mtgate.authkey;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** JDBC store on the local MariaDB (fresh database per run, dropped afterwards). */
class MariaDbJdbcAuthKeyStoreTest extends JdbcAuthKeyStoreContractTest {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.mariadb();
    }

    @Test
    void vendorIsMariadb() {
        // Spring Boot 4 resolves {vendor} from the JDBC URL: jdbc:mariadb: -> "mariadb".
        assertThat(db.vendor).isEqualTo("mariadb");
    }

    private Map<String, String> columns(String table) {
        Map<String, String> cols = new LinkedHashMap<>();
        sql().sql("""
                        SELECT column_name, column_type, is_nullable, COALESCE(column_default, '<none>'), extra
                          FROM information_schema.columns
                         WHERE table_schema = DATABASE() AND table_name = ?
                         ORDER BY ordinal_position""")
                .param(table)
                .query((rs, n) -> cols.put(rs.getString(1),
                        (rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " " + rs.getString(5))
                                .trim().toLowerCase()))
                .list();
        return cols;
    }

    @Test
    void authKeysHasTeamgramColumns() {
        assertThat(columns("auth_keys")).containsExactly(
                Map.entry("id", "bigint(20) no <none> auto_increment"),
                Map.entry("auth_key_id", "bigint(20) no <none>"),
                Map.entry("body", "varchar(512) no <none>"),
                Map.entry("deleted", "tinyint(1) no 0"),
                Map.entry("created_at", "timestamp no current_timestamp()"));
    }

    @Test
    void authKeyInfosHasTeamgramColumns() {
        assertThat(columns("auth_key_infos")).containsExactly(
                Map.entry("id", "bigint(20) no <none> auto_increment"),
                Map.entry("auth_key_id", "bigint(20) no <none>"),
                Map.entry("auth_key_type", "int(11) no <none>"),
                Map.entry("perm_auth_key_id", "bigint(20) no 0"),
                Map.entry("temp_auth_key_id", "bigint(20) no 0"),
                Map.entry("media_temp_auth_key_id", "bigint(20) no 0"),
                Map.entry("deleted", "tinyint(1) no 0"),
                Map.entry("created_at", "timestamp no current_timestamp()"),
                Map.entry("updated_at", "timestamp no current_timestamp() on update current_timestamp()"));
    }

    @Test
    void authsHasTeamgramColumns() {
        Map<String, String> c = columns("auths");
        assertThat(c.keySet()).containsExactly("id", "auth_key_id", "layer", "api_id", "device_model",
                "system_version", "app_version", "system_lang_code", "lang_pack", "lang_code", "system_code",
                "proxy", "params", "client_ip", "date_active", "deleted", "created_at", "updated_at");
        assertThat(c.get("api_id")).isEqualTo("int(11) no <none>");
        assertThat(c.get("layer")).isEqualTo("int(11) no 0");
        assertThat(c.get("device_model")).isEqualTo("varchar(255) no ''");
        assertThat(c.get("system_code")).isEqualTo("varchar(256) no ''");
        assertThat(c.get("proxy")).isEqualTo("varchar(512) no ''");
        assertThat(c.get("client_ip")).isEqualTo("varchar(32) no ''");
        assertThat(c.get("params")).startsWith("longtext no"); // MariaDB's json is longtext + json_valid
        assertThat(c.get("date_active")).isEqualTo("bigint(20) no 0");
        assertThat(c.get("updated_at")).isEqualTo("timestamp no current_timestamp() on update current_timestamp()");
    }

    @Test
    void tablesAreInnoDbUtf8mb4WithUniqueAuthKeyId() {
        List<String> tables = List.of("auth_keys", "auth_key_infos", "auths", "auth_key_salts");
        for (String t : tables) {
            Map<String, Object> row = sql().sql("""
                            SELECT engine, table_collation FROM information_schema.tables
                             WHERE table_schema = DATABASE() AND table_name = ?""")
                    .param(t).query().singleRow();
            assertThat(row.get("engine")).as(t).isEqualTo("InnoDB");
            assertThat((String) row.get("table_collation")).as(t).startsWith("utf8mb4");
        }
        for (String t : List.of("auth_keys", "auth_key_infos", "auths")) {
            List<String> unique = sql().sql("""
                            SELECT column_name FROM information_schema.statistics
                             WHERE table_schema = DATABASE() AND table_name = ? AND non_unique = 0
                               AND index_name <> 'PRIMARY'""")
                    .param(t).query(String.class).list();
            assertThat(unique).as(t).containsExactly("auth_key_id");
        }
    }
}
