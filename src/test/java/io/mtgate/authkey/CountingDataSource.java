package io.mtgate.authkey;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A DataSource that counts the statements prepared or created through it (every query the store
 * sends), and that can be switched to fail as a database that went away would.
 */
public final class CountingDataSource extends DelegatingDataSource {
    public final AtomicLong statements = new AtomicLong();
    private volatile boolean down;

    public CountingDataSource(DataSource target) {
        super(target);
    }

    /** While down, every new connection is refused (SQLState 08001). */
    public void down(boolean down) {
        this.down = down;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down) {
            throw new SQLException("connection refused (test: database down)", "08001");
        }
        Connection c = super.getConnection();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    String m = method.getName();
                    if (m.equals("prepareStatement") || m.equals("createStatement") || m.equals("prepareCall")) {
                        statements.incrementAndGet();
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }
}
