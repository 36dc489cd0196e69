package io.mtgate.drill;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** {@link RestartDrill} on the embedded default: the H2 file database under the data dir. */
class H2FileRestartDrillTest extends RestartDrill {
    @Override
    Database database(Path dataDir) {
        return new Database() {
            @Override
            public String name() {
                return "h2-file";
            }

            @Override
            public List<String> gatewayArgs() {
                return List.of(); // the application's own default URL under mtgate.data-dir
            }

            @Override
            public Connection connect() throws SQLException {
                // The settings of application.properties' default URL (the file must open the same way).
                return DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("mtgate")
                        + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;WRITE_DELAY=0", "sa", "");
            }

            @Override
            public void close() {
                // the @TempDir goes with the test
            }
        };
    }
}
