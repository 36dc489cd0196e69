package io.mtgate.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.interop.InteropClients.HandshakeOutcome;
import io.mtgate.interop.InteropClients.ProcessResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks that the real-client scripts fail cleanly, within their timeouts, when nothing listens. Needs Telethon
 * (python3-telethon), node and npm: a missing client fails this test, it is never skipped.
 */
class InteropClientsSelfCheckTest {

    @TempDir
    static Path tmp;

    static Path pem;

    @BeforeAll
    static void clientsPresent() throws Exception {
        System.out.println("Telethon " + InteropClients.requireTelethon()
                + ", GramJS " + InteropClients.ensureGramJsInstalled());
        pem = tmp.resolve("pub.pem");
        ProcessResult gen = InteropClients.exec(List.of("openssl", "genrsa", "-out",
                tmp.resolve("key.pem").toString(), "2048"), null, Duration.ofSeconds(60));
        assertEquals(0, gen.exitCode(), gen.stderr());
        ProcessResult pub = InteropClients.exec(List.of("openssl", "rsa", "-in", tmp.resolve("key.pem").toString(),
                "-RSAPublicKey_out", "-out", pem.toString()), null, Duration.ofSeconds(60));
        assertEquals(0, pub.exitCode(), pub.stderr());
        assertTrue(Files.readString(pem).contains("BEGIN RSA PUBLIC KEY"));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyTransportFailsCleanlyWhenNothingListens() throws Exception {
        int port = closedPort();
        for (String t : InteropClients.telethonTransports()) {
            String secret = t.startsWith("mtproxy-") ? "00112233445566778899aabbccddeeff" : null;
            HandshakeOutcome o = InteropClients.telethonHandshake("127.0.0.1", port, t, pem, secret);
            assertFalse(o.ok(), t);
            assertTrue(o.error().contains("attempt 2"), t + ": " + o.error());
        }
        for (String t : InteropClients.gramJsTransports()) {
            HandshakeOutcome o = InteropClients.gramJsHandshake("127.0.0.1", port, t, pem);
            assertFalse(o.ok(), t);
            assertTrue(o.error().contains("attempt 2"), t + ": " + o.error());
        }
    }
}
