package io.mtgate.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mtgate.authkey.AuthKeyStorage;
import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.CountingDataSource;
import io.mtgate.authkey.InMemoryTemporaryKeys;
import io.mtgate.authkey.RedisTestServer;
import io.mtgate.authkey.SharedKeyCodec;
import io.mtgate.authkey.StoredAuthKey;
import io.mtgate.authkey.redis.LettuceTuning;
import io.mtgate.crypto.AuthKeyId;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.flywaydb.core.Flyway;

/**
 * Key store latencies, one thread, wall clock (median of 5 rounds, after a warm-up round):
 * a lookup served by this node's memory, by Redis (private redis-server, sealed values), by
 * MariaDB and by PostgreSQL (memory cache off, no Redis); a save (handshake store: key + info row in
 * one transaction) on each database; and the random-id flood (lookups/s, database statements).
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) io.mtgate.bench.StorageBench [ops=2000]</pre>
 * Needs the local MariaDB (root, no password) and PostgreSQL (postgres, trust) of this machine kind.
 */
public final class StorageBench {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] args) throws Exception {
        int ops = args.length > 0 ? Integer.parseInt(args[0].replace("ops=", "")) : 2000;
        System.out.println("machine: " + BenchEnv.cpuModel() + ", JDK " + Runtime.version() + ", load " + BenchEnv.loadavg());
        try (HikariDataSource h2 = db("jdbc:h2:mem:bench;MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;DB_CLOSE_DELAY=-1", "sa", "h2");
             RedisTestServer redis = RedisTestServer.start();
             LettuceTuning.Client client = LettuceTuning.connect("127.0.0.1", redis.port, Duration.ofSeconds(1))) {
            AuthKeyStorage.SharedTier tier = new AuthKeyStorage.SharedTier(client.ops(),
                    new SharedKeyCodec(new byte[32], RANDOM), "bench:", Duration.ofDays(7), Duration.ofMinutes(1),
                    Duration.ofSeconds(1), Duration.ofSeconds(3));
            AuthKeyStorage local = storage(h2, 100_000, null);
            long[] ids = saveKeys(local.store(), 1000);
            report("lookup, local memory hit (H2 behind)", ops * 50, i -> local.store().find(new AuthKeyId(ids[i % ids.length])));
            AuthKeyStorage viaRedis = storage(h2, 0, tier);
            report("lookup, Redis hit (memory cache off)", ops, i -> viaRedis.store().find(new AuthKeyId(ids[i % ids.length])));
            flood("random-id flood, H2, no Redis", h2, null, ops * 100);
            flood("random-id flood, H2, with Redis", h2, tier, ops * 100);
        }
        for (String vendor : new String[] {"mariadb", "postgresql"}) {
            String name = "mtgate_bench_" + Long.toHexString(RANDOM.nextLong() >>> 8);
            String admin = vendor.equals("mariadb") ? "jdbc:mariadb://127.0.0.1:3306/" : "jdbc:postgresql://127.0.0.1:5432/postgres";
            String user = vendor.equals("mariadb") ? "root" : "postgres";
            exec(admin, user, "CREATE DATABASE " + name);
            String url = vendor.equals("mariadb") ? admin + name : "jdbc:postgresql://127.0.0.1:5432/" + name;
            try (HikariDataSource ds = db(url, user, vendor)) {
                AuthKeyStorage noCache = storage(ds, 0, null);
                long[] t = new long[ops];
                long[] ids = new long[ops];
                for (int i = 0; i < ops; i++) {
                    ids[i] = nonZero();
                    long t0 = System.nanoTime();
                    noCache.store().save(key(ids[i]));
                    t[i] = System.nanoTime() - t0;
                }
                print("save (handshake store), " + vendor, t);
                report("lookup, " + vendor + " hit (memory cache off)", ops, i -> noCache.store().find(new AuthKeyId(ids[i % ids.length])));
                flood("random-id flood, " + vendor, ds, null, ops * 100);
            } finally {
                exec(admin, user, "DROP DATABASE " + name + (vendor.equals("postgresql") ? " WITH (FORCE)" : ""));
            }
        }
    }

    private interface Op {
        void run(int i);
    }

    private static void report(String what, int ops, Op op) {
        for (int i = 0; i < ops; i++) {
            op.run(i); // warm-up
        }
        long[] rounds = new long[5];
        for (int r = 0; r < rounds.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                op.run(i);
            }
            rounds[r] = (System.nanoTime() - t0) / ops;
        }
        Arrays.sort(rounds);
        System.out.printf("%-50s %,10d ns/op (median of 5 x %d; min %,d, max %,d)%n", what, rounds[2], ops, rounds[0], rounds[4]);
    }

    private static void print(String what, long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        System.out.printf("%-50s median %,d us, p99 %,d us (n=%d)%n", what, s[s.length / 2] / 1000,
                s[(int) (s.length * 0.99)] / 1000, s.length);
    }

    private static void flood(String what, javax.sql.DataSource ds, AuthKeyStorage.SharedTier tier, int n) {
        CountingDataSource counted = new CountingDataSource(ds);
        AuthKeyStorage s = storage(counted, 100_000, tier);
        for (int i = 0; i < 50; i++) {
            s.maintain();
            if (!s.health().degraded() && s.health().idsTrusted() && s.health().tempIdsTrusted()) {
                break;
            }
            sleep(100);
        }
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < n / 10; i++) {
            s.store().find(new AuthKeyId(r.nextLong() | 1));
        }
        long q0 = counted.statements.get();
        long redis0 = s.health().tempRedisLookups() + s.health().redisAnswers();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            s.store().find(new AuthKeyId(r.nextLong() | 1));
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        long q = counted.statements.get() - q0;
        long redis = s.health().tempRedisLookups() + s.health().redisAnswers() - redis0;
        System.out.printf("%-50s %,10.0f lookups/s, %d database statements in %.2f s (%.1f/s), %d Redis lookups,"
                + " ids held %d%n", what, n / sec, q, sec, q / sec, redis, s.health().ids());
    }

    private static AuthKeyStorage storage(javax.sql.DataSource ds, int maxKnown, AuthKeyStorage.SharedTier tier) {
        return new AuthKeyStorage(ds, new InMemoryTemporaryKeys(CLOCK, 1000), CLOCK,
                new AuthKeyStorage.Settings(maxKnown, Duration.ofMinutes(10), 100_000, Duration.ofSeconds(30),
                        Duration.ofMinutes(10), 200), tier).start();
    }

    private static long[] saveKeys(AuthKeyStore store, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = nonZero();
            store.save(key(ids[i]));
        }
        return ids;
    }

    private static StoredAuthKey key(long id) {
        byte[] body = new byte[256];
        RANDOM.nextBytes(body);
        return StoredAuthKey.permanent(new AuthKeyId(id), body, Instant.now());
    }

    private static long nonZero() {
        return RANDOM.nextLong() | 1;
    }

    private static HikariDataSource db(String url, String user, String vendor) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword("");
        c.setMaximumPoolSize(4);
        HikariDataSource ds = new HikariDataSource(c);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/" + vendor).load().migrate();
        return ds;
    }

    private static void exec(String url, String user, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
