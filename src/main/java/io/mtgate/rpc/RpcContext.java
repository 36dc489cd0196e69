package io.mtgate.rpc;

import io.mtgate.crypto.AuthKeyId;
import io.mtgate.session.SessionKey;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a handler knows about the query besides its arguments.
 *
 * @param key            the auth key the query arrived with (id, type, a temporary key's expiry)
 * @param permanentKeyId the permanent key this query acts for: the key itself when it is permanent,
 *                       the bound permanent key for a temporary key, null for an unbound temporary key
 * @param sessionId      the client's session_id
 * @param msgId          msg_id of the query
 * @param layer          the schema the query was decoded with and the result must be of
 * @param clientLayer    the layer the client named (this query's invokeWithLayer, or the last one
 *                       known for the key); 0 when none is known and {@code layer} is the default
 * @param clientInfo     this query's initConnection, else the last one known for the key; may be null
 * @param clientAddress  remote address of the connection (may be null)
 * @param options        the other invoke wrappers
 */
public record RpcContext(SessionKey key, AuthKeyId permanentKeyId, long sessionId, long msgId, ApiLayer layer,
                         int clientLayer, ClientInfo clientInfo, SocketAddress clientAddress, InvokeOptions options) {
    public RpcContext {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(options, "options");
    }

    /** auth_key_id of the key the query arrived with. */
    public AuthKeyId authKeyId() {
        return key.id();
    }

    /** The permanent key this query acts for; empty for a temporary key not bound (yet). */
    public Optional<AuthKeyId> permanentKey() {
        return Optional.ofNullable(permanentKeyId);
    }

    public Optional<ClientInfo> client() {
        return Optional.ofNullable(clientInfo);
    }
}
