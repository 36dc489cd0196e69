package io.mtgate.drill;

import io.mtgate.authkey.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;

/** A fresh MariaDB / PostgreSQL database ({@link TestDatabase}) as a {@link RestartDrill.Database}. */
final class ServerDatabases {
    private ServerDatabases() {
    }

    static RestartDrill.Database of(String name, Supplier<TestDatabase> create) {
        TestDatabase db = create.get();
        return new RestartDrill.Database() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<String> gatewayArgs() {
                return List.of("--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
                        "--spring.datasource.password=");
            }

            @Override
            public Connection connect() throws SQLException {
                return DriverManager.getConnection(db.url(), db.user(), "");
            }

            @Override
            public void close() {
                db.close();
            }
        };
    }
}
