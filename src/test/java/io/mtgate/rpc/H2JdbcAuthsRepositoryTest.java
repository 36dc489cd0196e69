package io.mtgate.rpc;

import io.mtgate.authkey.TestDatabase;

/** {@link JdbcAuthsRepository} on H2 (see {@link TestDatabase#h2()}). */
class H2JdbcAuthsRepositoryTest extends JdbcAuthsRepositoryContractTest {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
