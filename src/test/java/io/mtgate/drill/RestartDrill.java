package io.mtgate.drill;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.RsaKey;
import io.mtgate.crypto.RsaKeyFiles;
import io.mtgate.handshake.TestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process-level restart drill, once per database (subclasses): the gateway runs as its own OS
 * process ({@link GatewayProcess}) and is SIGKILLed in the middle of a stream of concurrent real DH
 * handshakes. The guarantee under test is "no dh_gen_ok without a durable write": every permanent
 * key whose client received dh_gen_ok must, after the kill, (a) be in the database (auth_keys row
 * whose body decodes to the key, auth_key_infos row of type 0), read before the restarted server
 * touches it, and (b) work over the wire once the server is back: an encrypted ping is answered
 * (after a bad_server_salt at most), never -404. Handshakes that had not received dh_gen_ok may or
 * may not have left a key; that is allowed either way.
 *
 * <p>Temporary (PFS) keys are not drilled: without Redis they live in the gateway's memory only,
 * so after a SIGKILL they are legitimately gone and clients create new ones.
 *
 * <p>The same restart also proves that real clients come back: Telethon and GramJS create a key
 * and save their StringSession before the kill; after the restart a new client process resumes
 * it: connect(), ping and help.getConfig work with no handshake (client-side count 0, the server's
 * mtproto.handshakes counter 0, and no new auth_keys row). And the restart reuses the data dir: the
 * RSA key (a new handshake with the first start's public key succeeds), the salt secret.
 */
abstract class RestartDrill {
    /** Concurrent handshake clients, and how many dh_gen_ok before the kill. */
    static final int CLIENTS = 8;
    static final int ACKNOWLEDGED_BEFORE_KILL = 24;

    @TempDir
    Path dataDir;

    /** The database under test: what the gateway is started with, and a JDBC view for the checks. */
    interface Database extends AutoCloseable {
        String name();

        List<String> gatewayArgs();

        /** Only while the gateway is down (an H2 file is locked by its process). */
        Connection connect() throws SQLException;

        @Override
        void close();
    }

    abstract Database database(Path dataDir);

    record Attempt(DrillClient.Stage stage, byte[] key, long salt, long ackNanos, String error) {
    }

    @Test
    void sigkillKeepsEveryAcknowledgedKeyAndRealClientsResume() throws Exception {
        RealClientScripts.requireClients();
        try (Database db = database(dataDir);
             GatewayProcess gw = new GatewayProcess("drill-" + db.name(), dataDir,
                     GatewayProcess.freePort(20000, 32000), db.gatewayArgs())) {
            gw.start();
            Path pem = dataDir.resolve("rsa").resolve("server.pem");
            Path pub = dataDir.resolve("rsa").resolve("server.pub.pem");
            RsaKey rsa = RsaKeyFiles.load(pem);
            byte[] pemBytes = Files.readAllBytes(pem);
            byte[] saltSecret = Files.readAllBytes(dataDir.resolve("salt-secret"));
            String fingerprintLine = fingerprintLine(gw.logText());

            // Real clients make their keys and save their sessions before the kill.
            ExecutorService scripts = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "drill-client-script");
                t.setDaemon(true); // a failed assertion must not leave it behind
                return t;
            });
            Future<RealClientScripts.Result> telethonCreate =
                    scripts.submit(() -> RealClientScripts.run("telethon", "create", gw.tcpPort(), pub, null));
            Future<RealClientScripts.Result> gramjsCreate =
                    scripts.submit(() -> RealClientScripts.run("gramjs", "create", gw.tcpPort(), pub, null));
            RealClientScripts.Result telethon = telethonCreate.get(120, TimeUnit.SECONDS);
            RealClientScripts.Result gramjs = gramjsCreate.get(120, TimeUnit.SECONDS);
            assertTrue(telethon.ok() && !telethon.session().isEmpty(), "Telethon create: " + telethon);
            assertTrue(gramjs.ok() && !gramjs.session().isEmpty(), "GramJS create: " + gramjs);

            // The stream of handshakes, and the kill in its middle.
            List<Attempt> attempts = new ArrayList<>();
            int inFlightAtKill = handshakeStreamKilled(gw, rsa, attempts);
            List<Attempt> acked = attempts.stream().filter(a -> a.stage() == DrillClient.Stage.ACKNOWLEDGED).toList();
            long unacked = attempts.size() - acked.size();
            System.out.printf("drill %s: %d handshakes acknowledged, %d not (%d in flight at the kill)%n",
                    db.name(), acked.size(), unacked, inFlightAtKill);
            assertTrue(acked.size() >= ACKNOWLEDGED_BEFORE_KILL, "acknowledged before the kill: " + acked.size());
            assertTrue(inFlightAtKill > 0, "the kill must hit handshakes in flight");

            // (a) What the killed process left in the database, before anything else opens it.
            long rowsAfterKill;
            List<String> missing = new ArrayList<>();
            try (Connection c = db.connect()) {
                rowsAfterKill = count(c);
                for (Attempt a : acked) {
                    String problem = stored(c, a.key());
                    if (problem != null) {
                        missing.add(problem + " (dh_gen_ok " + (System.nanoTime() - a.ackNanos()) / 1_000_000
                                + " ms before this check)");
                    }
                }
                for (RealClientScripts.Result r : List.of(telethon, gramjs)) {
                    if (!idStored(c, r.authKeyId())) {
                        missing.add(r.json().path("client").asString("") + "'s key " + r.authKeyId() + " not in auth_keys");
                    }
                }
            }
            assertTrue(missing.isEmpty(), missing.size() + " of " + acked.size() + " acknowledged keys not durable after"
                    + " SIGKILL on " + db.name() + ": " + missing);

            // (b) The restarted process, same data dir, database and ports.
            gw.restart();
            assertArrayEquals(pemBytes, Files.readAllBytes(pem), "RSA key file rewritten on restart");
            assertArrayEquals(saltSecret, Files.readAllBytes(dataDir.resolve("salt-secret")), "salt secret rewritten");
            assertEquals(fingerprintLine, fingerprintLine(gw.logText()), "RSA fingerprint after restart");
            List<String> failures = pingAll(gw.tcpPort(), acked);
            assertTrue(failures.isEmpty(), failures.size() + " of " + acked.size()
                    + " acknowledged keys do not work after the restart on " + db.name() + ": " + failures);

            Future<RealClientScripts.Result> telethonResume = scripts.submit(() ->
                    RealClientScripts.run("telethon", "resume", gw.tcpPort(), pub, telethon.session()));
            Future<RealClientScripts.Result> gramjsResume = scripts.submit(() ->
                    RealClientScripts.run("gramjs", "resume", gw.tcpPort(), pub, gramjs.session()));
            RealClientScripts.Result telethonAgain = telethonResume.get(120, TimeUnit.SECONDS);
            RealClientScripts.Result gramjsAgain = gramjsResume.get(120, TimeUnit.SECONDS);
            scripts.shutdown();
            assertAll(
                    () -> assertResumed(telethon, telethonAgain),
                    () -> assertResumed(gramjs, gramjsAgain),
                    () -> assertEquals(0.0, gw.permanentHandshakes(),
                            "mtproto.handshakes{ok,permanent} of the restarted server after the resumed clients"));

            // The restarted server still holds the first start's RSA key: a new handshake with it works.
            try (DrillClient client = new DrillClient(gw.tcpPort())) {
                client.handshake(rsa, new DrillClient.Stage[1]);
            }
            assertEquals(1.0, gw.permanentHandshakes(), "handshakes of the restarted server");

            assertEquals(GatewayProcess.SIGTERM_EXIT, gw.stop(), "exit status after SIGTERM (shutdown hooks ran)");
            try (Connection c = db.connect()) {
                assertEquals(rowsAfterKill + 1, count(c),
                        "auth_keys rows: the resumed clients and pings must not have created keys");
            }
        }
    }

    private static void assertResumed(RealClientScripts.Result created, RealClientScripts.Result resumed) {
        assertTrue(resumed.ok(), "resume: " + resumed);
        assertEquals(created.authKeyId(), resumed.authKeyId(), "auth key id after resume: " + resumed);
        assertEquals(0, resumed.handshakes(), "handshakes run by the resumed client: " + resumed);
    }

    /**
     * Runs {@link #CLIENTS} clients doing handshakes back to back, SIGKILLs the gateway once
     * {@link #ACKNOWLEDGED_BEFORE_KILL} got dh_gen_ok; returns how many had a request out then.
     */
    private static int handshakeStreamKilled(GatewayProcess gw, RsaKey rsa, List<Attempt> out) throws Exception {
        ConcurrentLinkedQueue<Attempt> results = new ConcurrentLinkedQueue<>();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch enough = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            pool.execute(() -> {
                while (!stop.get()) {
                    DrillClient.Stage[] stage = {DrillClient.Stage.CONNECTING};
                    inFlight.incrementAndGet();
                    try (DrillClient client = new DrillClient(gw.tcpPort())) {
                        TestClient c = client.handshake(rsa, stage);
                        results.add(new Attempt(stage[0], c.authKey, c.expectedSalt(), System.nanoTime(), null));
                        if (acknowledged.incrementAndGet() >= ACKNOWLEDGED_BEFORE_KILL) {
                            enough.countDown();
                        }
                    } catch (Throwable t) {
                        results.add(new Attempt(stage[0], null, 0, 0, t.toString()));
                        if (!stop.get()) {
                            stop.set(true); // a failure before the kill: end the stream, reported below
                            enough.countDown();
                        }
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }
            });
        }
        boolean reached = enough.await(120, TimeUnit.SECONDS);
        boolean failedEarly = stop.get();
        stop.set(true);
        int inFlightAtKill = inFlight.get();
        int exit = gw.kill9();
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "handshake clients did not stop");
        out.addAll(results);
        assertTrue(reached && !failedEarly, "handshakes failed before the kill: "
                + results.stream().filter(a -> a.error() != null).map(Attempt::error).limit(5).toList()
                + "; server log: " + gw.logTail(2000));
        assertEquals(GatewayProcess.SIGKILL_EXIT, exit, "exit status of a SIGKILLed process");
        return inFlightAtKill;
    }

    /** Null if the key is in auth_keys (body decoding to it) and auth_key_infos (type 0), else why not. */
    private static String stored(Connection c, byte[] key) throws SQLException {
        long id = new AuthKey(key).id().value();
        try (PreparedStatement ps = c.prepareStatement("SELECT body FROM auth_keys WHERE auth_key_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "key " + id + ": no auth_keys row";
                }
                byte[] body = Base64.getDecoder().decode(rs.getString(1).trim());
                if (!java.util.Arrays.equals(key, body)) {
                    return "key " + id + ": auth_keys.body is not the key";
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT auth_key_type FROM auth_key_infos WHERE auth_key_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "key " + id + ": no auth_key_infos row";
                }
                if (rs.getInt(1) != 0) {
                    return "key " + id + ": auth_key_type " + rs.getInt(1);
                }
            }
        }
        return null;
    }

    private static boolean idStored(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM auth_keys WHERE auth_key_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) == 1;
            }
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM auth_keys")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** An encrypted ping with every key, a few at a time; the failures, described. */
    private static List<String> pingAll(int port, List<Attempt> keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Attempt a : keys) {
                results.add(pool.submit(() -> {
                    long id = new AuthKey(a.key()).id().value();
                    try (DrillClient client = new DrillClient(port)) {
                        client.ping(a.key(), a.salt());
                        return null;
                    } catch (DrillClient.TransportError e) {
                        return "key " + id + ": " + e.getMessage();
                    } catch (IOException | AssertionError e) {
                        return "key " + id + ": " + e;
                    }
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<String> f : results) {
                String r = f.get(60, TimeUnit.SECONDS);
                if (r != null) {
                    failures.add(r);
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final Pattern FINGERPRINT = Pattern.compile("RSA key fingerprint (-?\\d+)");

    private static String fingerprintLine(String log) {
        Matcher m = FINGERPRINT.matcher(log);
        assertTrue(m.find(), "no RSA fingerprint line in the gateway log");
        return m.group(1);
    }
}
