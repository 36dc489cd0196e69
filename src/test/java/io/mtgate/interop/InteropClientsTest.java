package io.mtgate.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.interop.InteropClients.HandshakeOutcome;
import org.junit.jupiter.api.Test;

/** The harness's own logic; needs no client installed. */
class InteropClientsTest {

    @Test
    void parsesSuccessLineWithFullInt64Range() {
        HandshakeOutcome o = InteropClients.parse("{\"ok\":true,\"auth_key_id\":-9223372036854775808,"
                + "\"time_offset\":0,\"attempts\":1,\"auth_key_len\":256,\"client\":\"telethon\","
                + "\"transport\":\"full\",\"errors\":[]}");
        assertTrue(o.ok());
        assertEquals(Long.MIN_VALUE, o.authKeyId());
        assertEquals(9223372036854775807L,
                InteropClients.parse("{\"ok\":true,\"auth_key_id\":9223372036854775807}").authKeyId());
    }

    @Test
    void parsesFailureLineWithEscapes() {
        HandshakeOutcome o = InteropClients.parse(
                "{\"ok\":false,\"error\":\"attempt 1: \\\"x\\\" \\u00e9\\\\n; attempt 2: y\",\"client\":\"gramjs\"}");
        assertFalse(o.ok());
        assertEquals(0, o.authKeyId());
        assertEquals("attempt 1: \"x\" \u00e9\\n; attempt 2: y", o.error());
    }

    @Test
    void rejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> InteropClients.parse("Traceback (most recent call last):"));
        assertThrows(IllegalArgumentException.class, () -> InteropClients.parse("{\"ok\":true}"));
        assertThrows(IllegalArgumentException.class,
                () -> InteropClients.parse("{\"ok\":true,\"auth_key_id\":9223372036854775808}"));
    }

    @Test
    void transportLists() {
        assertEquals(java.util.List.of("full", "abridged", "intermediate", "obfuscated", "http", "mtproxy-abridged",
                "mtproxy-intermediate", "mtproxy-randomized-intermediate"), InteropClients.telethonTransports());
        assertEquals(java.util.List.of("full", "abridged", "obfuscated", "websocket"), InteropClients.gramJsTransports());
    }
}
