package io.mtgate.authkey;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** JDBC store on H2 with the settings proposed for the application's default file database. */
class H2JdbcAuthKeyStoreTest extends JdbcAuthKeyStoreContractTest {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }

    @Test
    void vendorIsH2() {
        assertThat(db.vendor).isEqualTo("h2");
    }
}
