package io.mtgate.server;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.concurrent.Executor;

/**
 * What every connection's handshake needs, shared by all connections.
 *
 * @param blockingExecutor runs key store calls, which may block on the database; never an event loop
 */
public record HandshakeServices(
        HandshakeConfig config,
        DhKeySource dhKeys,
        SecureRandom random,
        InstantSource clock,
        AuthKeyStore store,
        Executor blockingExecutor,
        GatewayEvents events) {
}
