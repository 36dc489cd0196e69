package io.mtgate.rpc;

/** {@link JdbcAuthsRepository} on MariaDb (see {@link RpcTestDatabase#mariadb()}). */
class MariaDbJdbcAuthsRepositoryTest extends JdbcAuthsRepositoryContractTest {
    @Override
    protected RpcTestDatabase openDatabase() {
        return RpcTestDatabase.mariadb();
    }
}
