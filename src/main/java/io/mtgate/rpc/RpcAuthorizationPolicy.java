package io.mtgate.rpc;

import io.mtgate.tl.TlFunction;
import java.util.Optional;

/**
 * Decides whether a query may run, before its handler is looked up. Replace the default
 * ({@link PreLoginAllowList}) with a bean of this type once a user system exists.
 *
 * <p>Called on the dispatching thread (an event loop): must not block.
 */
@FunctionalInterface
public interface RpcAuthorizationPolicy {
    /** Empty to let the query run; otherwise the error to answer (e.g. {@code 401 AUTH_KEY_UNREGISTERED}). */
    Optional<RpcError> check(RpcContext ctx, TlFunction request);
}
