package io.mtgate.session;

/**
 * Where the session layer hands client RPC queries (every message that is not an MTProto service
 * message). Implemented above the session layer (io.mtgate.rpc); the session layer knows nothing of
 * API layers, wrappers or handlers.
 *
 * <p>{@link #invoke} is called on an event loop and must not block. It completes {@code reply}
 * exactly once, on any thread, with the boxed result: an API object, {@code rpc_error#2144ca19}, or
 * {@code gzip_packed} of either. The session layer wraps it in {@code rpc_result}, queues it until
 * the client acknowledges it, and treats an {@code rpc_error} as a failed query (for
 * {@code invokeAfterMsg}). A second completion is ignored.
 */
@FunctionalInterface
public interface RpcInvoker {
    void invoke(RpcCall call, RpcReply reply);
}
