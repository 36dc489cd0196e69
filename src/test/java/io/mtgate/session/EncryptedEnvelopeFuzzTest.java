package io.mtgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * Jazzer target for the receive path. In regression mode (plain {@code mvn test}) it runs the
 * committed seeds under {@code src/test/resources/io/mtgate/session/EncryptedEnvelopeFuzzTestInputs/arbitraryPayloads/};
 * with {@code JAZZER_FUZZ=1} it fuzzes. Each input is tried as is and with the right auth_key_id
 * patched in (so the fuzzer reaches decryption and the msg_key check). Invariants: nothing throws;
 * an accepted message obeys the length rules.
 */
class EncryptedEnvelopeFuzzTest {
    private static final EncryptedEnvelope ENV = EncryptedEnvelope.forKey(EncryptedEnvelopeTest.A9_KEY);

    @FuzzTest(maxDuration = "60s")
    void arbitraryPayloads(byte[] data) {
        check(data.clone());
        if (data.length >= 8) {
            byte[] patched = data.clone();
            long id = ENV.authKeyId();
            for (int i = 0; i < 8; i++) {
                patched[i] = (byte) (id >>> (8 * i));
            }
            check(patched);
        }
    }

    private static void check(byte[] packet) {
        int len = packet.length;
        Optional<DecryptedMessage> r = ENV.decryptInPlace(packet, 0, len);
        r.ifPresent(m -> {
            int padding = len - 24 - 32 - m.body().length;
            assertEquals(0, m.body().length % 4);
            assertTrue(padding >= 12 && padding <= 1024);
            assertTrue(m.quickAckToken() < 0);
        });
    }
}
