package io.mtgate.drill;

import io.mtgate.interop.InteropClients;
import io.mtgate.interop.InteropClients.ProcessResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Telethon and GramJS, unmodified, through the interop session scripts: {@code create} (a new
 * key by the client's own handshake, then get_config and ping; prints the StringSession) and
 * {@code resume} (a new process with that session: connect, ping, get_config, counting handshakes).
 */
final class RealClientScripts {
    static final Duration LIMIT = Duration.ofSeconds(90);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One script run: its JSON line, or null with the reason in {@code diagnostics}. */
    record Result(JsonNode json, String diagnostics) {
        boolean ok() {
            return json != null && json.path("ok").asBoolean(false);
        }

        String session() {
            return json == null ? "" : json.path("session").asString("");
        }

        long authKeyId() {
            return json == null ? 0 : json.path("auth_key_id").asLong(0);
        }

        int handshakes() {
            return json == null ? -1 : json.path("handshakes").asInt(-1);
        }

        @Override
        public String toString() {
            return (json == null ? "no JSON" : json.toString().replaceAll("\"session\":\"[^\"]*\"", "\"session\":\"…\""))
                    + "; " + diagnostics;
        }
    }

    private RealClientScripts() {
    }

    static void requireClients() {
        InteropClients.requireTelethon();
        InteropClients.ensureGramJsInstalled();
    }

    /** {@code client} is "telethon" (abridged transport) or "gramjs" (obfuscated). */
    static Result run(String client, String mode, int port, Path publicKey, String session) {
        List<String> cmd;
        Path workDir = null;
        if (client.equals("telethon")) {
            cmd = new ArrayList<>(List.of(InteropClients.PYTHON,
                    InteropClients.interopDir().resolve("telethon_session.py").toString(), mode, "127.0.0.1",
                    Integer.toString(port), "abridged", publicKey.toString()));
        } else {
            workDir = InteropClients.gramJsDir();
            cmd = new ArrayList<>(List.of("node", workDir.resolve("session.js").toString(), mode, "127.0.0.1",
                    Integer.toString(port), "obfuscated", publicKey.toString()));
        }
        Map<String, String> env = session == null ? Map.of("INTEROP_HARD_TIMEOUT", "80")
                : Map.of("INTEROP_HARD_TIMEOUT", "80", "INTEROP_SESSION", session);
        ProcessResult r = InteropClients.exec(cmd, workDir, LIMIT, env);
        String diagnostics = client + " " + mode + ": " + (r.timedOut() ? "killed" : "exit " + r.exitCode())
                + ", stderr tail: " + tail(r.stderr(), 800);
        String line = lastLine(r.stdout());
        if (line == null) {
            return new Result(null, diagnostics);
        }
        try {
            return new Result(JSON.readTree(line), diagnostics);
        } catch (RuntimeException e) {
            return new Result(null, "not JSON: " + tail(line, 200) + "; " + diagnostics);
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i];
            }
        }
        return null;
    }

    private static String tail(String s, int max) {
        String t = s == null ? "" : s.strip();
        return t.length() <= max ? t : "..." + t.substring(t.length() - max);
    }
}
