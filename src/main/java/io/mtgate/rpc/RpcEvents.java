package io.mtgate.rpc;

/**
 * What the RPC layer reports for metrics, once per query the dispatcher answers. Values are bounded:
 * the method's TL name comes from the schemas ({@link ApiLayer#methodName}), never from the client.
 * Implementations must be cheap, thread-safe and must not throw.
 */
public interface RpcEvents {
    RpcEvents NONE = new RpcEvents() {
    };

    /**
     * @param method    TL name of the method ({@code help.getConfig}), or {@code "unknown"} when
     *                  the query could not be unwrapped or names no function of any supported layer
     * @param error     answered with {@code rpc_error} (a handler's own included)
     * @param errorCode the {@code rpc_error} code (0 when not an error)
     * @param nanos     from the dispatcher receiving the query to its answer (waits included)
     */
    default void rpcCompleted(String method, boolean error, int errorCode, long nanos) {
    }
}
