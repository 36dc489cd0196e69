package io.mtgate.session;

/** Completion of one RPC query: the boxed result (object, rpc_error or gzip_packed). */
@FunctionalInterface
public interface RpcReply {
    void complete(byte[] boxedResult);
}
