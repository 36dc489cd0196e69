package io.mtgate.drill;

import io.mtgate.authkey.TestDatabase;
import java.nio.file.Path;

/** {@link RestartDrill} on a fresh PostgreSQL database. */
class PostgresRestartDrillTest extends RestartDrill {
    @Override
    Database database(Path dataDir) {
        return ServerDatabases.of("postgresql", TestDatabase::postgresql);
    }
}
