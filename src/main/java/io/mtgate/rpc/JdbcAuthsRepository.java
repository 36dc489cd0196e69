package io.mtgate.rpc;

import io.mtgate.crypto.AuthKeyId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link AuthsRepository} over plain JDBC (no Spring in the RPC layer), for the schemas in
 * {@code db/migration/{h2,mariadb,mysql,postgresql}}.
 *
 * <ul>
 *   <li>Upsert is UPDATE, then INSERT when no row matched, then UPDATE again when the INSERT lost a
 *       race on the unique {@code auth_key_id}: portable to all four databases (H2's default mode
 *       has no {@code ON DUPLICATE KEY}, PostgreSQL no {@code MERGE} before 15).</li>
 *   <li>Client-controlled strings are cut to their column widths (in UTF-16 units, never inside a
 *       surrogate pair) and NUL characters are replaced (PostgreSQL refuses them). {@code params}
 *       longer than {@value #MAX_PARAMS_CHARS} characters is stored as {@code {}}. A client address
 *       longer than the 32-character {@code client_ip} column is stored as "".</li>
 *   <li>{@code proxy} is stored as {@code address:port}; {@code system_code} is left ''.</li>
 *   <li>PostgreSQL's {@code params} column is {@code json}: the text is bound untyped so the server
 *       casts it.</li>
 * </ul>
 */
public final class JdbcAuthsRepository implements AuthsRepository {
    static final int MAX_PARAMS_CHARS = 16_384;

    private static final String COLUMNS = "layer, api_id, device_model, system_version, app_version,"
            + " system_lang_code, lang_pack, lang_code, proxy, params, client_ip, date_active";

    private final DataSource dataSource;
    private volatile Boolean postgres;

    public JdbcAuthsRepository(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public Optional<AuthRecord> find(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "SELECT " + COLUMNS + " FROM auths WHERE auth_key_id = ? AND deleted = 0")) {
            st.setLong(1, id.value());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ClientInfo client = new ClientInfo(rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), parseProxy(rs.getString(9)),
                        rs.getString(10));
                return Optional.of(new AuthRecord(id, rs.getInt(1), client, rs.getString(11), rs.getLong(12)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read auths row of " + id, e);
        }
    }

    @Override
    public void upsert(AuthRecord r) {
        Objects.requireNonNull(r, "record");
        try (Connection c = dataSource.getConnection()) {
            boolean pg = isPostgres(c);
            if (update(c, r, pg) > 0) {
                return;
            }
            try {
                insert(c, r, pg);
            } catch (SQLException e) {
                if (!isUniqueViolation(e)) {
                    throw e;
                }
                // Another writer inserted the row between our UPDATE and INSERT: update it.
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                update(c, r, pg);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not write auths row of " + r.authKeyId(), e);
        }
    }

    @Override
    public boolean updateLayer(AuthKeyId id, int layer, long dateActive) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "UPDATE auths SET layer = ?, date_active = ? WHERE auth_key_id = ? AND deleted = 0")) {
            st.setInt(1, layer);
            st.setLong(2, dateActive);
            st.setLong(3, id.value());
            int n = st.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return n > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("could not update layer of " + id, e);
        }
    }

    private static int update(Connection c, AuthRecord r, boolean pg) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE auths SET layer = ?, api_id = ?, device_model = ?,"
                + " system_version = ?, app_version = ?, system_lang_code = ?, lang_pack = ?, lang_code = ?,"
                + " proxy = ?, params = ?, client_ip = ?, date_active = ?, deleted = 0 WHERE auth_key_id = ?")) {
            bind(st, r, pg);
            st.setLong(13, r.authKeyId().value());
            return st.executeUpdate();
        }
    }

    private static void insert(Connection c, AuthRecord r, boolean pg) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO auths (" + COLUMNS + ", auth_key_id, deleted)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
            bind(st, r, pg);
            st.setLong(13, r.authKeyId().value());
            st.executeUpdate();
        }
    }

    private static void bind(PreparedStatement st, AuthRecord r, boolean pg) throws SQLException {
        ClientInfo ci = r.client();
        st.setInt(1, r.layer());
        st.setInt(2, ci.apiId());
        st.setString(3, column(ci.deviceModel(), 255));
        st.setString(4, column(ci.systemVersion(), 255));
        st.setString(5, column(ci.appVersion(), 255));
        st.setString(6, column(ci.systemLangCode(), 255));
        st.setString(7, column(ci.langPack(), 255));
        st.setString(8, column(ci.langCode(), 255));
        st.setString(9, ci.proxy() == null ? "" : column(ci.proxy().address() + ":" + ci.proxy().port(), 512));
        String params = ci.paramsJson().length() > MAX_PARAMS_CHARS ? "{}" : ci.paramsJson();
        if (pg) {
            st.setObject(10, params, Types.OTHER);
        } else {
            st.setString(10, params);
        }
        st.setString(11, r.clientIp().length() > 32 ? "" : r.clientIp());
        st.setLong(12, r.dateActive());
    }

    /**
     * At most {@code max} UTF-16 units without splitting a surrogate pair, NUL replaced by U+FFFD.
     * H2 counts UTF-16 units; MariaDB and PostgreSQL count code points, which are never more.
     */
    static String column(String s, int max) {
        String t = s.replace('\0', '\uFFFD');
        if (t.length() <= max) {
            return t;
        }
        int cut = Character.isHighSurrogate(t.charAt(max - 1)) ? max - 1 : max;
        return t.substring(0, cut);
    }

    static ClientInfo.ClientProxy parseProxy(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        int colon = s.lastIndexOf(':');
        try {
            return colon < 0 ? null : new ClientInfo.ClientProxy(s.substring(0, colon),
                    Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private boolean isPostgres(Connection c) throws SQLException {
        Boolean pg = postgres;
        if (pg == null) {
            pg = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            postgres = pg;
        }
        return pg;
    }

    private static boolean isUniqueViolation(SQLException e) {
        // SQLSTATE class 23 = integrity constraint violation (all four databases).
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null && x.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return e instanceof java.sql.SQLIntegrityConstraintViolationException;
    }
}
