package io.mtgate.rpc;

/** {@link JdbcAuthsRepository} on H2 (see {@link RpcTestDatabase#h2()}). */
class H2JdbcAuthsRepositoryTest extends JdbcAuthsRepositoryContractTest {
    @Override
    protected RpcTestDatabase openDatabase() {
        return RpcTestDatabase.h2();
    }
}
