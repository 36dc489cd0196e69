package io.mtgate.authkey;

/**
 * JDBC store on H2 without any MODE setting: what Spring Boot's auto-configured embedded database
 * gives when no URL is set, so the migrations and SQL must work there too.
 */
class H2DefaultModeJdbcAuthKeyStoreTest extends JdbcAuthKeyStoreContractTest {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2DefaultMode();
    }
}
