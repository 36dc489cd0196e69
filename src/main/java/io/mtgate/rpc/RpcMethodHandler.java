package io.mtgate.rpc;

import io.mtgate.tl.TlFunction;
import io.mtgate.tl.TlObject;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Serves one or more API methods. Register an implementation as a Spring bean; see
 * {@code docs/RPC.md}.
 *
 * <p>A method is identified by its constructor id, which most methods keep across layers; a handler
 * that serves a method whose id changed between layers lists every id, and looks at
 * {@link RpcContext#layer()} to know which generated class it received and must return.
 *
 * <p>Results: complete the stage with the result object (a class generated for
 * {@code ctx.layer()}, or {@link TlBool}, or an {@link RpcError}); fail it with
 * {@link RpcException} for a specific error. Any other failure (a thrown exception included) is
 * logged and answered {@code 500 INTERNAL}, without details.
 */
public interface RpcMethodHandler {

    /** Where {@link #handle} is called. */
    enum Execution {
        /**
         * On the thread that dispatches the query: a Netty event loop, or the thread that completed
         * an awaited query (invokeAfterMsg). The handler must not block, not even briefly (no JDBC,
         * no locks held by slow code, no {@code join}); return a stage completed elsewhere instead.
         */
        NON_BLOCKING,
        /** On the bounded RPC executor; may block (JDBC, remote calls). The default. */
        BLOCKING
    }

    /** Constructor ids of the methods this handler serves. */
    Set<Integer> methods();

    /** Where to run {@link #handle}; {@link Execution#BLOCKING} unless overridden. */
    default Execution execution() {
        return Execution.BLOCKING;
    }

    /**
     * Handles one call.
     *
     * @param request the decoded method of {@code ctx.layer()} (one of {@link #methods()})
     */
    CompletionStage<TlObject> handle(RpcContext ctx, TlFunction request);
}
