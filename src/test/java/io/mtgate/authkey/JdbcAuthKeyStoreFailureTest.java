package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.AbstractDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A database that cannot be reached surfaces as AuthKeyStoreException from every method. */
class JdbcAuthKeyStoreFailureTest {

    private static final class DownDataSource extends AbstractDataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("connection refused (test)", "08001");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final JdbcAuthKeyStore store =
            JdbcAuthKeyStore.create(new DownDataSource(), new InMemoryTemporaryKeys(clock, 4));
    private final AuthKeyId id = new AuthKeyId(5);

    @Test
    void everyOperationThrowsAuthKeyStoreException() {
        assertThatThrownBy(() -> store.save(StoredAuthKey.permanent(id, new byte[256], clock.instant())))
                .isInstanceOf(AuthKeyStoreException.class).hasMessageContaining("5");
        assertThatThrownBy(() -> store.find(id)).isInstanceOf(AuthKeyStoreException.class);
        assertThatThrownBy(() -> store.delete(id)).isInstanceOf(AuthKeyStoreException.class);
        assertThatThrownBy(() -> store.salts(id)).isInstanceOf(AuthKeyStoreException.class);
        assertThatThrownBy(() -> store.recordInitialSalt(id, 1, clock.instant()))
                .isInstanceOf(AuthKeyStoreException.class);
        // Even a temporary key save checks SQL for a permanent key with the same id.
        assertThatThrownBy(() -> store.save(StoredAuthKey.temporary(id, new byte[256], AuthKeyType.TEMPORARY,
                clock.instant(), clock.instant().plusSeconds(60)))).isInstanceOf(AuthKeyStoreException.class);
    }
}
