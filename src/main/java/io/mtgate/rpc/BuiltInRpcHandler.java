package io.mtgate.rpc;

/**
 * Marks a handler that ships with the gateway. An application handler (any other
 * {@link RpcMethodHandler}) serving the same method replaces it; see {@link RpcHandlers}.
 */
public interface BuiltInRpcHandler extends RpcMethodHandler {
}
