package io.mtgate.authkey;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;
import java.time.Duration;

/**
 * The {@link AuthKeyStore} contract on the assembled storage ({@link AuthKeyStorage}: memory cache,
 * id set, database) without Redis, on H2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TieredAuthKeyStoreContractTest extends AuthKeyStoreContractTest {
    static final AuthKeyStorage.Settings SETTINGS = new AuthKeyStorage.Settings(1000, Duration.ofMinutes(10), 1000,
            Duration.ofSeconds(30), Duration.ofMinutes(10), 100);

    private TestDatabase db;

    @BeforeAll
    void openDb() {
        db = TestDatabase.h2();
    }

    @AfterAll
    void closeDb() {
        db.close();
    }

    @Override
    protected AuthKeyStore newStore(Clock clock, int maxTemporaryKeys) {
        db.wipe();
        return new AuthKeyStorage(db.dataSource(), new InMemoryTemporaryKeys(clock, maxTemporaryKeys), clock, SETTINGS,
                null).start().store();
    }
}
