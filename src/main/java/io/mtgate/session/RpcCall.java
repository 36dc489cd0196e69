package io.mtgate.session;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * One client RPC query as the session layer accepted it.
 *
 * @param key           the auth key the message arrived with
 * @param sessionId     the client's session_id
 * @param msgId         msg_id of the query (the rpc_result's req_msg_id)
 * @param query         the boxed query as sent (may start with an invoke wrapper; a top-level
 *                      {@code gzip_packed} has already been unpacked)
 * @param clientAddress remote address of the connection it arrived on (may be {@code null} in tests)
 * @param session       the session's view of its other queries (for {@code invokeAfterMsg(s)})
 */
public record RpcCall(SessionKey key, long sessionId, long msgId, byte[] query, SocketAddress clientAddress,
                      SessionQueries session) {
    public RpcCall {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(session, "session");
    }

    /** The query's constructor id (little-endian first word). */
    public int constructorId() {
        return ServiceIds.intLE(query, 0);
    }
}
