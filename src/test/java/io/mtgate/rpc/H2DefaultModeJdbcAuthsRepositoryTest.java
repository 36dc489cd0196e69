package io.mtgate.rpc;

/** {@link JdbcAuthsRepository} on H2DefaultMode (see {@link RpcTestDatabase#h2DefaultMode()}). */
class H2DefaultModeJdbcAuthsRepositoryTest extends JdbcAuthsRepositoryContractTest {
    @Override
    protected RpcTestDatabase openDatabase() {
        return RpcTestDatabase.h2DefaultMode();
    }
}
