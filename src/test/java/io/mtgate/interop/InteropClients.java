package io.mtgate.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real third-party MTProto clients (Telethon, GramJS) as subprocesses for interop tests
 * (handshakes here; the session scripts are run by {@link RealClientSessionTest}). No Spring: plain
 * helper methods.
 *
 * <p>The scripts live in {@code src/test/interop/} and print exactly one JSON line:
 * {@code {"ok":true,"auth_key_id":<signed int64>,...}} or {@code {"ok":false,"error":"..."}}.
 * A missing client is an error ({@link IllegalStateException}), never a skip: CI must have them.
 */
public final class InteropClients {

    /** Result of one handshake run; {@code authKeyId} is 0 when {@code ok} is false. */
    public record HandshakeOutcome(boolean ok, long authKeyId, String error) {
    }

    /** The interpreter that has the Debian package python3-telethon (not the python3 on PATH). */
    public static final String PYTHON = "/usr/bin/python3";

    /** Per-attempt timeout handed to the scripts (INTEROP_TIMEOUT); they try at most twice. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(5);

    private InteropClients() {
    }

    /** {@code http} is Telethon's ConnectionHttp ({@code POST /api}), its header reader fixed by the scripts. */
    public static List<String> telethonTransports() {
        return List.of("full", "abridged", "intermediate", "obfuscated", "http",
                "mtproxy-abridged", "mtproxy-intermediate", "mtproxy-randomized-intermediate");
    }

    /** {@code websocket}: obfuscated abridged over ws://HOST:PORT/apiws (GramJS's PromisedWebSockets). */
    public static List<String> gramJsTransports() {
        return List.of("full", "abridged", "obfuscated", "websocket");
    }

    // ---------------------------------------------------------------- locations

    /** {@code src/test/interop} of this project (Surefire's {@code basedir}, else the working dir). */
    public static Path interopDir() {
        String base = System.getProperty("basedir", System.getProperty("user.dir"));
        Path dir = Paths.get(base).toAbsolutePath().resolve("src/test/interop");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("interop scripts not found at " + dir);
        }
        return dir;
    }

    public static Path gramJsDir() {
        return interopDir().resolve("gramjs");
    }

    // ---------------------------------------------------------------- prerequisites

    /** Throws unless {@code /usr/bin/python3 -c "import telethon"} works. Returns its version. */
    public static String requireTelethon() {
        ProcessResult r = exec(List.of(PYTHON, "-c", "import telethon; print(telethon.__version__)"),
                null, Duration.ofSeconds(30));
        if (r.timedOut || r.exitCode != 0) {
            throw new IllegalStateException("Telethon is not usable with " + PYTHON
                    + " (install the Debian package: apt-get install -y python3-telethon): "
                    + r.describe());
        }
        return r.stdout.strip();
    }

    /** Throws unless node runs and {@code src/test/interop/gramjs/node_modules/telegram} exists. */
    public static String requireGramJs() {
        ProcessResult node = exec(List.of("node", "--version"), null, Duration.ofSeconds(30));
        if (node.timedOut || node.exitCode != 0) {
            throw new IllegalStateException("node is not usable: " + node.describe());
        }
        Path pkg = gramJsDir().resolve("node_modules/telegram/package.json");
        if (!Files.isRegularFile(pkg)) {
            throw new IllegalStateException("GramJS is not installed: " + pkg
                    + " is missing (run `npm ci` in " + gramJsDir() + ", or ensureGramJsInstalled())");
        }
        try {
            Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"")
                    .matcher(Files.readString(pkg));
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + pkg, e);
        }
    }

    /** Runs {@code npm ci} in the gramjs folder if node_modules/telegram is missing; then checks. */
    public static String ensureGramJsInstalled() {
        Path dir = gramJsDir();
        if (!Files.isRegularFile(dir.resolve("node_modules/telegram/package.json"))) {
            ProcessResult r = exec(List.of("npm", "ci", "--no-audit", "--no-fund"), dir, NPM_CI_TIMEOUT);
            if (r.timedOut || r.exitCode != 0) {
                throw new IllegalStateException("`npm ci` failed in " + dir + ": " + r.describe());
            }
        }
        return requireGramJs();
    }

    // ---------------------------------------------------------------- handshakes

    /**
     * Telethon auth-key creation against host:port.
     *
     * @param secretHex MTProxy secret for the {@code mtproxy-*} transports, else null
     */
    public static HandshakeOutcome telethonHandshake(String host, int port, String transport,
                                                     Path publicKeyPem, String secretHex) {
        if (!telethonTransports().contains(transport)) {
            throw new IllegalArgumentException("unknown Telethon transport " + transport);
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON,
                interopDir().resolve("telethon_handshake.py").toString(),
                host, Integer.toString(port), transport, publicKeyPem.toAbsolutePath().toString()));
        if (secretHex != null) {
            cmd.add(secretHex);
        }
        return runHandshake(cmd, null);
    }

    /** GramJS auth-key creation against host:port. */
    public static HandshakeOutcome gramJsHandshake(String host, int port, String transport, Path publicKeyPem) {
        if (!gramJsTransports().contains(transport)) {
            throw new IllegalArgumentException("unknown GramJS transport " + transport);
        }
        return runHandshake(List.of("node", gramJsDir().resolve("handshake.js").toString(),
                host, Integer.toString(port), transport, publicKeyPem.toAbsolutePath().toString()), gramJsDir());
    }

    /**
     * Runs a handshake script and parses its JSON line. The process is killed after twice the
     * attempt timeout plus a margin (the scripts' own hard timeout is 2 * attempt + 5 s).
     */
    public static HandshakeOutcome runHandshake(List<String> command, Path workDir) {
        Duration limit = ATTEMPT_TIMEOUT.multipliedBy(2).plusSeconds(15);
        ProcessResult r = exec(command, workDir, limit);
        if (r.timedOut) {
            return new HandshakeOutcome(false, 0, "killed after " + limit.toSeconds() + "s: " + r.describe());
        }
        String line = lastNonEmptyLine(r.stdout);
        if (line == null) {
            return new HandshakeOutcome(false, 0, "no output: " + r.describe());
        }
        HandshakeOutcome outcome;
        try {
            outcome = parse(line);
        } catch (IllegalArgumentException e) {
            return new HandshakeOutcome(false, 0, e.getMessage() + ": " + r.describe());
        }
        if (outcome.ok() != (r.exitCode == 0)) {
            return new HandshakeOutcome(false, 0, "exit code " + r.exitCode + " contradicts " + line);
        }
        if (!outcome.ok()) {
            return new HandshakeOutcome(false, 0, outcome.error() + " (exit " + r.exitCode
                    + "; stderr tail: " + tail(r.stderr, 600) + ")");
        }
        return outcome;
    }

    // ---------------------------------------------------------------- JSON line

    private static final Pattern OK = Pattern.compile("\"ok\"\\s*:\\s*(true|false)");
    private static final Pattern KEY_ID = Pattern.compile("\"auth_key_id\"\\s*:\\s*(-?\\d+)");
    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"");

    /** Parses the scripts' one-line JSON result (a flat object; only ok/auth_key_id/error are read). */
    public static HandshakeOutcome parse(String line) {
        String s = line.strip();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new IllegalArgumentException("not a JSON object line: " + line);
        }
        Matcher ok = OK.matcher(s);
        if (!ok.find()) {
            throw new IllegalArgumentException("no \"ok\" field: " + line);
        }
        if (Boolean.parseBoolean(ok.group(1))) {
            Matcher id = KEY_ID.matcher(s);
            if (!id.find()) {
                throw new IllegalArgumentException("ok:true without auth_key_id: " + line);
            }
            try {
                return new HandshakeOutcome(true, Long.parseLong(id.group(1)), null);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("auth_key_id is not an int64: " + line);
            }
        }
        Matcher err = ERROR.matcher(s);
        return new HandshakeOutcome(false, 0, err.find() ? jsonString(s, err.end()) : "(no error message)");
    }

    /** Decodes a JSON string body starting at {@code from} (just after the opening quote). */
    private static String jsonString(String s, int from) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 < s.length()) {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                }
                default -> out.append(e); // \" \\ \/
            }
        }
        throw new IllegalArgumentException("unterminated JSON string in: " + s);
    }

    // ---------------------------------------------------------------- subprocess

    /** What a finished (or killed) subprocess left behind. */
    public record ProcessResult(int exitCode, boolean timedOut, String stdout, String stderr) {
        public String describe() {
            return (timedOut ? "timed out" : "exit " + exitCode)
                    + ", stdout: " + tail(stdout, 400) + ", stderr: " + tail(stderr, 600);
        }
    }

    /** Runs a command with a timeout, draining stdout and stderr; kills it (and children) on timeout. */
    public static ProcessResult exec(List<String> command, Path workDir, Duration timeout) {
        return exec(command, workDir, timeout, java.util.Map.of());
    }

    /** As {@link #exec(List, Path, Duration)}, with extra environment variables (they win). */
    public static ProcessResult exec(List<String> command, Path workDir, Duration timeout,
                                     java.util.Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().put("INTEROP_TIMEOUT", Long.toString(ATTEMPT_TIMEOUT.toSeconds()));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new ProcessResult(-1, false, "", "cannot start " + command.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new ProcessResult(finished ? p.exitValue() : -1, !finished, await(out), await(err));
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        }, "interop-drain");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Output of a drained stream; the pipe closes when the process (and its children) are gone. */
    private static String await(CompletableFuture<String> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return "";
        }
    }

    static String lastNonEmptyLine(String s) {
        String[] lines = s.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i];
            }
        }
        return null;
    }

    static String tail(String s, int max) {
        String t = s == null ? "" : s.strip();
        return t.length() <= max ? t : "..." + t.substring(t.length() - max);
    }
}
