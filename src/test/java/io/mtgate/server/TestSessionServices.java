package io.mtgate.server;

import io.mtgate.session.DerivedSalts;
import io.mtgate.session.InitialSalts;
import io.mtgate.session.KeyLifecycle;
import io.mtgate.session.RpcErrors;
import io.mtgate.session.SessionConfig;
import io.mtgate.session.SessionEvents;
import io.mtgate.session.SessionManager;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;

/** A session layer for tests that build a {@link GatewayServer} by hand. */
final class TestSessionServices {
    private TestSessionServices() {
    }

    static SessionServices create() {
        InitialSalts initial = new InitialSalts(Duration.ofMinutes(30), 1000);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        DerivedSalts salts = new DerivedSalts(secret, Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofSeconds(60), initial);
        SessionManager sessions = new SessionManager(SessionConfig.DEFAULT, salts,
                (call, reply) -> reply.complete(RpcErrors.of(400, "INPUT_METHOD_INVALID")),
                (id, done) -> done.accept(KeyLifecycle.DestroyResult.NONE), SessionEvents.NONE,
                InstantSource.system(), new SecureRandom());
        return new SessionServices(sessions, initial);
    }
}
