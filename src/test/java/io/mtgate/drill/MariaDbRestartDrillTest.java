package io.mtgate.drill;

import io.mtgate.authkey.TestDatabase;
import java.nio.file.Path;

/** {@link RestartDrill} on a fresh MariaDB database. */
class MariaDbRestartDrillTest extends RestartDrill {
    @Override
    Database database(Path dataDir) {
        return ServerDatabases.of("mariadb", TestDatabase::mariadb);
    }
}
