package io.mtgate.rpc;

import io.mtgate.authkey.TestDatabase;

/** {@link JdbcAuthsRepository} on H2DefaultMode (see {@link TestDatabase#h2DefaultMode()}). */
class H2DefaultModeJdbcAuthsRepositoryTest extends JdbcAuthsRepositoryContractTest {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2DefaultMode();
    }
}
