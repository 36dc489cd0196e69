package io.mtgate.rpc;

import io.mtgate.authkey.TestDatabase;

/** {@link JdbcAuthsRepository} on Postgres (see {@link TestDatabase#postgresql()}). */
class PostgresJdbcAuthsRepositoryTest extends JdbcAuthsRepositoryContractTest {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgresql();
    }
}
