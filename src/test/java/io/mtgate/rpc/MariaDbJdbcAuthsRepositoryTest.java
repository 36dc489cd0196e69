package io.mtgate.rpc;

import io.mtgate.authkey.TestDatabase;

/** {@link JdbcAuthsRepository} on MariaDb (see {@link TestDatabase#mariadb()}). */
class MariaDbJdbcAuthsRepositoryTest extends JdbcAuthsRepositoryContractTest {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.mariadb();
    }
}
