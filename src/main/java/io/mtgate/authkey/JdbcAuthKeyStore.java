package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@link AuthKeyStore} over SQL in Teamgram's layout, for H2, MariaDB/MySQL and PostgreSQL
 * (schema: {@code db/migration/{vendor}}).
 *
 * <ul>
 *   <li>A permanent key is one {@code auth_keys} row (body = the 256 bytes in base64 without
 *       padding, Go's RawStdEncoding) and one {@code auth_key_infos} row (auth_key_type 0), inserted
 *       in one new transaction ({@code REQUIRES_NEW}) that is committed before {@link #save}
 *       returns.</li>
 *   <li>Temporary keys go to {@link TemporaryKeys} (RAM or Redis), never to SQL.</li>
 *   <li>A unique violation on either table means the id is taken: {@link SaveResult#DUPLICATE_ID},
 *       with the whole transaction rolled back.</li>
 *   <li>{@link #find} reads rows written by Teamgram too. It ignores rows with {@code deleted <> 0}
 *       in either table, and rows whose {@code auth_key_infos.auth_key_type} is not 0 (Teamgram
 *       persisted temporary keys without their expiry, so they cannot be trusted); an
 *       {@code auth_keys} row without an {@code auth_key_infos} row is read as permanent.</li>
 *   <li>Salts of permanent keys: table {@code auth_key_salts} (ours), validity as unix seconds.</li>
 * </ul>
 * Every {@link DataAccessException} / {@link TransactionException} surfaces as
 * {@link AuthKeyStoreException}.
 */
public final class JdbcAuthKeyStore implements AuthKeyStore {

    /** More than a pool's worth of connections broken at once by a restart is unlikely. */
    private static final int MAX_BROKEN_CONNECTION_RETRIES = 32;
    private static final Base64.Encoder BODY_ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder BODY_DECODER = Base64.getDecoder(); // padding optional

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final TemporaryKeys temporaryKeys;

    /**
     * @param jdbc               client over the same DataSource as {@code transactionManager}
     * @param transactionManager e.g. a {@link DataSourceTransactionManager}
     * @param temporaryKeys      where temporary keys live
     */
    public JdbcAuthKeyStore(JdbcClient jdbc, PlatformTransactionManager transactionManager,
                            TemporaryKeys temporaryKeys) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.temporaryKeys = Objects.requireNonNull(temporaryKeys, "temporaryKeys");
        this.tx = new TransactionTemplate(Objects.requireNonNull(transactionManager, "transactionManager"));
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    /** Convenience: a {@link JdbcClient} and a {@link DataSourceTransactionManager} over one DataSource. */
    public static JdbcAuthKeyStore create(DataSource dataSource, TemporaryKeys temporaryKeys) {
        return new JdbcAuthKeyStore(JdbcClient.create(dataSource), new DataSourceTransactionManager(dataSource),
                temporaryKeys);
    }

    /** Where this store keeps temporary keys. */
    public TemporaryKeys temporaryKeys() {
        return temporaryKeys;
    }

    /** Teamgram's encoding of a key body: standard base64 alphabet, no padding (342 characters). */
    public static String encodeBody(byte[] body) {
        return BODY_ENCODER.encodeToString(body);
    }

    @Override
    public Optional<StoredAuthKey> find(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        Optional<StoredAuthKey> temp = temporaryKeys.find(id);
        if (temp.isPresent()) {
            return temp;
        }
        return findPermanent(id);
    }

    /** The live permanent key with this id, from SQL only (temporary keys are not looked at). */
    public Optional<StoredAuthKey> findPermanent(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        return guardRead("find " + id, () -> jdbc.sql("""
                        SELECT k.body, k.created_at
                          FROM auth_keys k
                          LEFT JOIN auth_key_infos i ON i.auth_key_id = k.auth_key_id
                         WHERE k.auth_key_id = :id
                           AND k.deleted = 0
                           AND (i.id IS NULL OR (i.deleted = 0 AND i.auth_key_type = 0))
                        """)
                .param("id", id.value())
                .query((rs, n) -> StoredAuthKey.permanent(id, decodeBody(id, rs.getString(1)),
                        instant(rs.getTimestamp(2))))
                .optional());
    }

    @Override
    public SaveResult save(StoredAuthKey key) {
        Objects.requireNonNull(key, "key");
        AuthKeyId id = key.id();
        if (key.type().isTemporary()) {
            // The id must not collide with a permanent key either, deleted ones included.
            boolean taken = guardRead("check " + id, () -> jdbc.sql(
                            "SELECT COUNT(*) FROM auth_keys WHERE auth_key_id = :id")
                    .param("id", id.value()).query(Long.class).single()) > 0;
            return taken ? SaveResult.DUPLICATE_ID : temporaryKeys.save(key);
        }
        if (temporaryKeys.contains(id)) {
            return SaveResult.DUPLICATE_ID;
        }
        Timestamp createdAt = Timestamp.from(key.createdAt().truncatedTo(ChronoUnit.SECONDS));
        try {
            retryWhileConnectionsBroken(() -> tx.executeWithoutResult(status -> {
                jdbc.sql("INSERT INTO auth_keys (auth_key_id, body, deleted, created_at)"
                                + " VALUES (:id, :body, 0, :created)")
                        .param("id", id.value())
                        .param("body", encodeBody(key.body()))
                        .param("created", createdAt)
                        .update();
                jdbc.sql("INSERT INTO auth_key_infos (auth_key_id, auth_key_type, perm_auth_key_id,"
                                + " temp_auth_key_id, media_temp_auth_key_id, deleted, created_at, updated_at)"
                                + " VALUES (:id, :type, 0, 0, 0, 0, :created, :created)")
                        .param("id", id.value())
                        .param("type", key.type().code())
                        .param("created", createdAt)
                        .update();
            }));
            return SaveResult.SAVED;
        } catch (DataIntegrityViolationException e) {
            // Usually DuplicateKeyException; drivers differ in how they classify unique violations,
            // so look: the transaction was rolled back, and a row with this id means "taken".
            if (idTakenInSql(id)) {
                return SaveResult.DUPLICATE_ID;
            }
            throw new AuthKeyStoreException("could not save auth key " + id, e);
        } catch (DataAccessException | TransactionException e) {
            throw new AuthKeyStoreException("could not save auth key " + id, e);
        }
    }

    @Override
    public boolean delete(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        if (temporaryKeys.delete(id)) {
            return true;
        }
        return guard("delete " + id, () -> tx.execute(status -> {
            int keys = jdbc.sql("UPDATE auth_keys SET deleted = 1 WHERE auth_key_id = :id AND deleted = 0")
                    .param("id", id.value()).update();
            jdbc.sql("UPDATE auth_key_infos SET deleted = 1, updated_at = CURRENT_TIMESTAMP"
                            + " WHERE auth_key_id = :id AND deleted = 0")
                    .param("id", id.value()).update();
            jdbc.sql("DELETE FROM auth_key_salts WHERE auth_key_id = :id").param("id", id.value()).update();
            return keys > 0;
        }));
    }

    @Override
    public void recordInitialSalt(AuthKeyId id, long salt, Instant validFrom) {
        Objects.requireNonNull(id, "id");
        ServerSalt s = AuthKeyStore.initialSalt(salt, validFrom);
        if (temporaryKeys.addSalt(id, s)) {
            return;
        }
        if (find(id).isEmpty()) {
            throw new IllegalArgumentException("no live auth key " + id);
        }
        try {
            tx.executeWithoutResult(status -> jdbc.sql("""
                            INSERT INTO auth_key_salts (auth_key_id, salt, valid_since, valid_until)
                            SELECT k.auth_key_id, :salt, :since, :until
                              FROM auth_keys k
                             WHERE k.auth_key_id = :id AND k.deleted = 0
                               AND NOT EXISTS (SELECT 1 FROM auth_key_salts s
                                                WHERE s.auth_key_id = :id AND s.salt = :salt)
                            """)
                    .param("id", id.value())
                    .param("salt", salt)
                    .param("since", s.validSince().getEpochSecond())
                    .param("until", s.validUntil().getEpochSecond())
                    .update());
        } catch (DataIntegrityViolationException e) {
            // Two concurrent calls with the same salt: the other one won, which is what we wanted.
            if (!salts(id).stream().anyMatch(x -> x.salt() == salt)) {
                throw new AuthKeyStoreException("could not record salt for " + id, e);
            }
        } catch (DataAccessException | TransactionException e) {
            throw new AuthKeyStoreException("could not record salt for " + id, e);
        }
    }

    @Override
    public List<ServerSalt> salts(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        if (temporaryKeys.contains(id)) {
            return temporaryKeys.salts(id);
        }
        return guard("salts " + id, () -> jdbc.sql("""
                        SELECT s.salt, s.valid_since, s.valid_until
                          FROM auth_key_salts s
                          JOIN auth_keys k ON k.auth_key_id = s.auth_key_id AND k.deleted = 0
                         WHERE s.auth_key_id = :id
                         ORDER BY s.valid_since, s.id
                        """)
                .param("id", id.value())
                .query((rs, n) -> new ServerSalt(rs.getLong(1), Instant.ofEpochSecond(rs.getLong(2)),
                        Instant.ofEpochSecond(rs.getLong(3))))
                .list());
    }

    /**
     * The ids of every live permanent key, for the membership filter ({@link PermanentKeyIds}).
     * One sequential read of the unique index: 8 bytes per key on the wire and in memory.
     */
    public long[] livePermanentIds() {
        return guard("list permanent ids", () -> {
            LongArrayBuilder ids = new LongArrayBuilder();
            jdbc.sql("""
                            SELECT k.auth_key_id
                              FROM auth_keys k
                              LEFT JOIN auth_key_infos i ON i.auth_key_id = k.auth_key_id
                             WHERE k.deleted = 0
                               AND (i.id IS NULL OR (i.deleted = 0 AND i.auth_key_type = 0))
                            """)
                    .query(rs -> {
                        ids.add(rs.getLong(1));
                    });
            return ids.toArray();
        });
    }

    /** A growable long[] (no boxing of millions of ids). */
    private static final class LongArrayBuilder {
        private long[] a = new long[1024];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    private boolean idTakenInSql(AuthKeyId id) {
        return guard("check " + id, () -> jdbc.sql("""
                        SELECT (SELECT COUNT(*) FROM auth_keys WHERE auth_key_id = :id)
                             + (SELECT COUNT(*) FROM auth_key_infos WHERE auth_key_id = :id)
                        """)
                .param("id", id.value()).query(Long.class).single()) > 0;
    }

    private static byte[] decodeBody(AuthKeyId id, String base64) {
        byte[] body;
        try {
            body = BODY_DECODER.decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new AuthKeyStoreException("auth_keys.body of " + id + " is not base64");
        }
        if (body.length != StoredAuthKey.BODY_LENGTH) {
            throw new AuthKeyStoreException("auth_keys.body of " + id + " decodes to " + body.length + " bytes");
        }
        return body;
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? Instant.EPOCH : ts.toInstant();
    }

    /**
     * Pooled connections that a database restart broke are found out only when used; the pool then
     * evicts each one. A transaction that could not even begin on such a connection sent nothing,
     * so it is tried again (a bounded number of times: each broken connection fails at once) instead
     * of costing a client its handshake. A pool that cannot hand out a connection at all (the
     * database still away) is not retried: that wait already took the pool's connection timeout.
     */
    private static void retryWhileConnectionsBroken(Runnable transaction) {
        retryWhileConnectionsBroken(() -> {
            transaction.run();
            return null;
        }, CannotCreateTransactionException.class::isInstance);
    }

    /** A read, tried again after connection-level failures (see {@link #retryWhileConnectionsBroken}). */
    private static <T> T guardRead(String what, Supplier<T> read) {
        return guard(what, () -> retryWhileConnectionsBroken(read,
                e -> e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessResourceException));
    }

    private static <T> T retryWhileConnectionsBroken(Supplier<T> work, Predicate<RuntimeException> brokenConnection) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (!brokenConnection.test(e) || attempt >= MAX_BROKEN_CONNECTION_RETRIES || poolGaveNoConnection(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean poolGaveNoConnection(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientConnectionException) {
                return true; // HikariCP: no connection within connectionTimeout
            }
        }
        return false;
    }

    private static <T> T guard(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (DataAccessException | TransactionException e) {
            throw new AuthKeyStoreException("auth key store: " + what + " failed", e);
        }
    }
}
