package io.mtgate.rpc;

/** {@link JdbcAuthsRepository} on Postgres (see {@link RpcTestDatabase#postgresql()}). */
class PostgresJdbcAuthsRepositoryTest extends JdbcAuthsRepositoryContractTest {
    @Override
    protected RpcTestDatabase openDatabase() {
        return RpcTestDatabase.postgresql();
    }
}
