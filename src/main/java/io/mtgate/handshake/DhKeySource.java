package io.mtgate.handshake;

import io.mtgate.crypto.Dh;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Supplies the server's DH exponent {@code a} and {@code g_a = 3^a mod p} for server_DH_params_ok.
 * Every pair returned must be fresh and handed out once only; {@code g_a} must pass
 * {@link Dh#isValidPublic}. Implementations must be safe to call from any event-loop thread.
 */
@FunctionalInterface
public interface DhKeySource {
    Dh.KeyPair next();

    /** Generates each pair when asked (one 2048-bit modPow on the calling thread, a few ms). */
    static DhKeySource onDemand(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        return () -> Dh.generate(random);
    }
}
