package io.mtgate.session;

import io.mtgate.tl.TlLimits;
import java.time.InstantSource;
import java.util.random.RandomGenerator;

/** What every session of this node shares. */
record SessionRuntime(
        SessionConfig config,
        SaltSource salts,
        ServerMessageIds ids,
        RpcInvoker invoker,
        KeyLifecycle lifecycle,
        SessionEvents events,
        InstantSource clock,
        RandomGenerator random,
        TlLimits limits) {
}
