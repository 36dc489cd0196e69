package io.mtgate.handshake;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz target: no input may make {@link HandshakeSession} throw. Runs the committed seeds in
 * {@code src/test/resources/io/mtgate/handshake/HandshakeFuzzTestInputs/plainMessages/} during a
 * normal {@code mvn test} (regression mode); fuzz for real with {@code JAZZER_FUZZ=1}.
 *
 * <p>Input format (so seeds can be written by hand): byte 0 even = raw mode, the rest is a list of
 * messages {@code [len hi][len lo][len bytes]} fed to onPlainMessage; byte 0 odd = mutated valid
 * handshake: byte 1 = inner variant, byte 2 = padding, byte 3 = store outcome, then mutations
 * {@code [step 0..2][pos hi][pos lo][xor]} applied to the client's message of that step.
 */
class HandshakeFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void plainMessages(byte[] data) {
        Fixtures.TestClock clock = new Fixtures.TestClock();
        HandshakeSession session = new HandshakeSession(Fixtures.config(),
                DhKeySource.onDemand(Fixtures.seeded(11)), Fixtures.seeded(12), clock);
        if (data.length == 0) {
            feed(session, data);
            return;
        }
        if ((data[0] & 1) == 0) {
            raw(session, data);
        } else {
            mutatedHandshake(session, data);
        }
    }

    private static void raw(HandshakeSession session, byte[] data) {
        int pos = 1;
        while (pos + 2 <= data.length) {
            int len = (((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff)) % 1200;
            pos += 2;
            int end = Math.min(data.length, pos + len);
            feed(session, Arrays.copyOfRange(data, pos, end));
            pos = end;
        }
    }

    private static void mutatedHandshake(HandshakeSession session, byte[] data) {
        TestClient.Variant variant = TestClient.Variant.values()[byteAt(data, 1) % 4];
        TestClient.Padding padding = TestClient.Padding.values()[byteAt(data, 2) % 2];
        StoreOutcome outcome = StoreOutcome.values()[byteAt(data, 3) % 3];
        TestClient client = new TestClient(Fixtures.seeded(13), Fixtures.KEY1.modulus(),
                Fixtures.KEY1.publicExponent(), Fixtures.KEY1.fingerprint());
        try {
            byte[] r1 = send(session, mutate(client.reqPqMulti(), 0, data));
            if (r1 == null) {
                return;
            }
            client.onResPq(r1);
            byte[] r2 = send(session, mutate(client.reqDhParams(variant, padding, Fixtures.DC, 600), 1, data));
            if (r2 == null) {
                return;
            }
            client.onServerDhParams(r2);
            byte[] m3 = mutate(client.setClientDhParams(0), 2, data);
            HandshakeStep s3 = feed(session, m3);
            if (s3 instanceof HandshakeStep.StoreKey store) {
                stored(session, store.key(), outcome);
                feed(session, m3); // retransmission after the answer
            }
        } catch (AssertionError | RuntimeException clientSideRejection) {
            // the test client refused a server reply built from a mutated request: fine, the
            // session did not throw (its calls are outside these client methods' failure modes)
            if (clientSideRejection instanceof SessionThrew t) {
                throw t;
            }
        }
    }

    private static int byteAt(byte[] d, int i) {
        return i < d.length ? d[i] & 0xff : 0;
    }

    /** Applies the mutations of {@code step} from the input to {@code msg}. */
    private static byte[] mutate(byte[] msg, int step, byte[] data) {
        byte[] m = msg.clone();
        for (int i = 4; i + 4 <= data.length; i += 4) {
            if ((data[i] & 0xff) % 3 == step) {
                int pos = (((data[i + 1] & 0xff) << 8) | (data[i + 2] & 0xff)) % (m.length + 8);
                if (pos >= m.length) {
                    m = Arrays.copyOf(m, m.length - (pos - m.length + 1)); // truncate
                    if (m.length == 0) {
                        return m;
                    }
                } else {
                    m[pos] ^= data[i + 3];
                }
            }
        }
        return m;
    }

    private static byte[] send(HandshakeSession session, byte[] msg) {
        HandshakeStep s = feed(session, msg);
        return s instanceof HandshakeStep.Reply r ? r.payload() : null;
    }

    /** Marks a session exception so the client-side catch above does not swallow it. */
    private static final class SessionThrew extends RuntimeException {
        SessionThrew(Throwable cause) {
            super(cause);
        }
    }

    private static HandshakeStep feed(HandshakeSession session, byte[] msg) {
        try {
            return check(session.onPlainMessage(msg));
        } catch (SessionThrew t) {
            throw t;
        } catch (RuntimeException e) {
            throw new SessionThrew(e);
        }
    }

    private static void stored(HandshakeSession session, PendingKey key, StoreOutcome outcome) {
        try {
            check(session.onKeyStored(key, outcome));
        } catch (SessionThrew t) {
            throw t;
        } catch (RuntimeException e) {
            throw new SessionThrew(e);
        }
    }

    private static HandshakeStep check(HandshakeStep s) {
        if (s == null) {
            throw new SessionThrew(new NullPointerException("null step"));
        }
        if (s instanceof HandshakeStep.Failure f && f.transportErrorCode() != -404 && f.transportErrorCode() != -444) {
            throw new SessionThrew(new IllegalStateException("unexpected code " + f.transportErrorCode()));
        }
        return s;
    }
}
