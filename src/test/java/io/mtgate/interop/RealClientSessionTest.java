package io.mtgate.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mtgate.interop.InteropClients.ProcessResult;
import io.mtgate.server.GatewayServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Telethon and GramJS, unmodified, run their encrypted session against the whole application on
 * every transport each supports, GramJS also over WebSocket (scripts {@code src/test/interop/telethon_session.py} and
 * {@code src/test/interop/gramjs/session.js}): their own {@code connect()}, {@code help.getConfig}
 * answered in the client's own layer, ping, 200 concurrent pings, {@code ping_delay_disconnect}
 * (closed after the delay, kept open while renewed), the client's own reconnect with the same key,
 * and a new process resuming the saved StringSession without a handshake (the server's
 * {@code mtproto.handshakes} counter must not move while the resumed clients run).
 *
 * <p>Telethon also runs over HTTP ({@code http}: {@code POST /api} on the same port), with every
 * step: each of its sends is one request and each request gets one answer (held, when it carries
 * nothing to answer, until the next request releases it), and ping_delay_disconnect closes the
 * keep-alive connection that carries the requests after the delay, as on TCP, which Telethon sees
 * as the same end of stream; the script's docstring gives the reasoning step by step.
 *
 * <p>All fresh runs go first (a few in parallel), then all resumed runs; each script prints one
 * JSON line with a result per step, and each step is one dynamic test here. A missing client fails.
 * Neither client requests QuickAck (Telethon 1.25.1 and GramJS 2.26 have no code for it), so the
 * QuickAck path is covered by the project's own spec-level tests, not here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class RealClientSessionTest {
    static final String SECRET = "00112233445566778899aabbccddeeff";
    static final Path DATA_DIR = tempDir();
    /** GramJS's StringSession.save() writes the port as int16: the server must listen below 32768. */
    static final int PORT = freePortBelow32768();
    static final int PARALLEL = 5;
    /** ping_delay_disconnect's disconnect_delay used by the scripts, seconds. */
    static final int DISCONNECT_DELAY = 2;
    static final int HARD_TIMEOUT_SECONDS = 90;
    static final Duration RUN_LIMIT = Duration.ofSeconds(HARD_TIMEOUT_SECONDS + 20);
    static final int TELETHON_LAYER = 144;
    static final int GRAMJS_LAYER = 198;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    GatewayServer server;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("mtgate.data-dir", DATA_DIR::toString);
        registry.add("mtgate.tcp.host", () -> "127.0.0.1");
        registry.add("mtgate.tcp.port", () -> Integer.toString(PORT));
        registry.add("mtgate.tcp.mtproxy-secrets", () -> SECRET);
        registry.add("mtgate.dc-id", () -> "2");
    }

    record Run(String client, String transport) {
        String name() {
            return client + " " + transport;
        }

        int layer() {
            return client.equals("telethon") ? TELETHON_LAYER : GRAMJS_LAYER;
        }

        int configConstructor() {
            return client.equals("telethon") ? io.mtgate.tl.api.l144.Config.CONSTRUCTOR_ID
                    : io.mtgate.tl.api.l198.Config.CONSTRUCTOR_ID;
        }
    }

    /** One script run: its JSON line, or why there is none ({@code problem}). */
    record Outcome(JsonNode json, String problem, String diagnostics) {
        JsonNode step(String name) {
            if (json == null) {
                fail("no result: " + problem + "; " + diagnostics);
            }
            JsonNode step = json.path("steps").path(name);
            if (step.isMissingNode()) {
                fail("step " + name + " did not run: " + json.path("error").asString("")
                        + "; " + diagnostics);
            }
            return step;
        }

        JsonNode okStep(String name) {
            JsonNode step = step(name);
            assertTrue(step.path("ok").asBoolean(false), name + " failed: " + step.path("error").asString("")
                    + " (" + step + "); " + diagnostics);
            return step;
        }
    }

    @TestFactory
    Stream<DynamicNode> realClientSessions() throws Exception {
        InteropClients.requireTelethon();
        InteropClients.ensureGramJsInstalled();
        assertEquals(PORT, server.boundPort());

        List<Run> runs = new ArrayList<>();
        InteropClients.telethonTransports().forEach(t -> runs.add(new Run("telethon", t)));
        InteropClients.gramJsTransports().forEach(t -> runs.add(new Run("gramjs", t)));
        runs.add(new Run("gramjs", "mtproxy-abridged")); // session.js only (handshake.js has no MTProxy)

        double webSocketsBefore = webSocketConnections();
        double beforeFresh = handshakes();
        Map<Run, Outcome> fresh = runAll(runs, run -> execute(run, "fresh", Map.of()));
        double afterFresh = handshakes();
        Map<Run, String> sessions = new LinkedHashMap<>();
        fresh.forEach((run, o) -> {
            if (o.json() != null && !o.json().path("session").asString("").isEmpty()) {
                sessions.put(run, o.json().path("session").asString(""));
            }
        });
        Map<Run, Outcome> resumed = runAll(new ArrayList<>(sessions.keySet()),
                run -> execute(run, "resume", Map.of("INTEROP_SESSION", sessions.get(run))));
        double afterResume = handshakes();
        double webSockets = webSocketConnections() - webSocketsBefore;

        List<DynamicNode> nodes = new ArrayList<>();
        for (Run run : runs) {
            nodes.add(dynamicContainer(run.name(), tests(run, fresh.get(run), resumed.get(run))));
        }
        nodes.add(dynamicTest("fresh clients made their keys through the server's handshake counter", () ->
                assertTrue(afterFresh - beforeFresh >= runs.size(), "mtproto.handshakes{result=ok} moved by "
                        + (afterFresh - beforeFresh) + " for " + runs.size() + " fresh clients")));
        long webSocketRuns = runs.stream().filter(r -> r.transport().equals("websocket")).count();
        nodes.add(dynamicTest("the websocket runs came over WebSocket (mtproto.transports.detected{websocket=true})", () ->
                // each fresh run connects twice (its reconnect), each resumed run once
                assertTrue(webSockets >= 3 * webSocketRuns, webSockets + " WebSocket connections for "
                        + webSocketRuns + " websocket run(s)")));
        nodes.add(dynamicTest("resumed clients ran no handshake (server counter unchanged)", () -> {
            assertFalse(sessions.isEmpty(), "no fresh run saved a session");
            assertEquals(afterFresh, afterResume, "mtproto.handshakes{result=ok} moved while "
                    + sessions.size() + " clients resumed saved sessions");
        }));
        return nodes.stream();
    }

    private Stream<DynamicNode> tests(Run run, Outcome fresh, Outcome resumed) {
        List<DynamicNode> t = new ArrayList<>();
        t.add(test("connect() returns", () -> fresh.okStep("connect")));
        t.add(test("connect()'s invokeWithLayer answered with a layer-" + run.layer() + " Config",
                () -> assertConfig(run, fresh, "init_config")));
        t.add(test("help.getConfig answered with a layer-" + run.layer() + " Config",
                () -> assertConfig(run, fresh, "get_config")));
        t.add(test("ping answered with its ping_id", () -> fresh.okStep("ping")));
        t.add(test("200 concurrent pings all answered",
                () -> assertEquals(200, fresh.okStep("pings_200").path("answered").asInt(-1))));
        t.add(test("ping_delay_disconnect renewed before the delay: not closed",
                () -> fresh.okStep("ping_delay_renewed")));
        // On HTTP too: the timer runs on the connection carrying the requests (telethon_session.py, "On HTTP").
        t.add(test("ping_delay_disconnect not renewed: closed after the delay", () -> {
            double after = fresh.okStep("ping_delay_expired").path("dropped_after_s").asDouble(-1);
            assertTrue(after >= DISCONNECT_DELAY - 0.5 && after <= DISCONNECT_DELAY + 3,
                    "closed " + after + " s after ping_delay_disconnect(" + DISCONNECT_DELAY + ")");
        }));
        t.add(test("the client's own reconnect reuses the key and is answered",
                () -> fresh.okStep("after_reconnect")));
        t.add(test("a new process resumes the saved session: same key, no handshake", () -> {
            long keyId = fresh.json() == null ? 0 : fresh.json().path("auth_key_id").asLong(0);
            assertTrue(resumed != null, "no saved session to resume: "
                    + (fresh.json() == null ? fresh.problem() : fresh.json().path("error").asString(""))
                    + "; " + fresh.diagnostics());
            resumed.okStep("connect");
            assertEquals(keyId, resumed.json().path("auth_key_id").asLong(0), "auth key id after resume");
            assertEquals(0, resumed.json().path("handshakes").asInt(-1), "handshakes run by the resumed client");
            resumed.okStep("ping");
            assertConfig(run, resumed, "get_config");
        }));
        return t.stream();
    }

    private static DynamicNode test(String name, Executable body) {
        return dynamicTest(name, body);
    }

    private static void assertConfig(Run run, Outcome outcome, String stepName) {
        assertEquals(run.layer(), outcome.json() == null ? -1 : outcome.json().path("layer").asInt(-1),
                "layer the client uses (a client upgrade changes it)");
        JsonNode step = outcome.okStep(stepName);
        assertEquals("Config", step.path("type").asString(""), step.toString());
        assertEquals(run.configConstructor(), step.path("constructor").asInt(-1),
                "Config constructor of layer " + run.layer() + ": " + step);
        assertEquals(2, step.path("this_dc").asInt(-1), "this_dc: " + step);
        assertTrue(step.path("dc_options").asInt(-1) >= 1, "dc_options: " + step);
        String ours = "2 127.0.0.1:" + PORT;
        assertTrue(step.path("dcs").toString().contains("\"" + ours + "\""),
                "dc_options should announce this listener (" + ours + "): " + step);
    }

    // ---------------------------------------------------------------- running the scripts

    private Outcome execute(Run run, String mode, Map<String, String> extraEnv) {
        Path key = DATA_DIR.resolve("rsa").resolve("server.pub.pem").toAbsolutePath();
        List<String> cmd;
        Path workDir = null;
        if (run.client().equals("telethon")) {
            cmd = new ArrayList<>(List.of(InteropClients.PYTHON,
                    InteropClients.interopDir().resolve("telethon_session.py").toString(), mode, "127.0.0.1",
                    Integer.toString(PORT), run.transport(), key.toString()));
            if (run.transport().startsWith("mtproxy-")) {
                cmd.add((run.transport().contains("randomized") ? "dd" : "") + SECRET);
            }
        } else {
            workDir = InteropClients.gramJsDir();
            cmd = new ArrayList<>(List.of("node", workDir.resolve("session.js").toString(), mode, "127.0.0.1",
                    Integer.toString(PORT), run.transport(), key.toString()));
            if (run.transport().startsWith("mtproxy-")) {
                cmd.add(SECRET);
            }
        }
        Map<String, String> env = new LinkedHashMap<>(extraEnv);
        env.put("INTEROP_DISCONNECT_DELAY", Integer.toString(DISCONNECT_DELAY));
        env.put("INTEROP_HARD_TIMEOUT", Integer.toString(HARD_TIMEOUT_SECONDS));
        ProcessResult r = InteropClients.exec(cmd, workDir, RUN_LIMIT, env);
        String diagnostics = run.name() + " " + mode + ": " + (r.timedOut() ? "killed" : "exit " + r.exitCode())
                + ", stderr tail: " + InteropClients.tail(r.stderr(), 800);
        String line = InteropClients.lastNonEmptyLine(r.stdout());
        System.out.println("interop session " + run.name() + " " + mode + ": " + line);
        if (r.timedOut() || line == null) {
            return new Outcome(null, r.timedOut() ? "killed after " + RUN_LIMIT.toSeconds() + " s" : "no output",
                    diagnostics);
        }
        try {
            JsonNode json = JSON.readTree(line);
            if (r.exitCode() != 0 && r.exitCode() != 1) {
                return new Outcome(json, "exit " + r.exitCode() + ": " + json.path("error").asString(""), diagnostics);
            }
            return new Outcome(json, null, diagnostics);
        } catch (RuntimeException e) {
            return new Outcome(null, "not JSON: " + line, diagnostics);
        }
    }

    private static Map<Run, Outcome> runAll(List<Run> runs, Function<Run, Outcome> execute) throws Exception {
        Map<Run, Outcome> out = new LinkedHashMap<>();
        if (runs.isEmpty()) {
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, runs.size()));
        try {
            Map<Run, Future<Outcome>> futures = new LinkedHashMap<>();
            for (Run run : runs) {
                futures.put(run, pool.submit(() -> execute.apply(run)));
            }
            for (Map.Entry<Run, Future<Outcome>> f : futures.entrySet()) {
                out.put(f.getKey(), f.getValue().get());
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private double webSocketConnections() {
        return meters.find("mtproto.transports.detected").tag("websocket", "true").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private double handshakes() {
        return meters.find("mtproto.handshakes").tag("result", "ok").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static int freePortBelow32768() {
        for (int i = 0; i < 100; i++) {
            int port = 20000 + ThreadLocalRandom.current().nextInt(12000);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IllegalStateException("no free port in 20000..31999");
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("mtgate-interop-session");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
