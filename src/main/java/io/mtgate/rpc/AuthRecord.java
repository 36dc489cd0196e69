package io.mtgate.rpc;

import io.mtgate.crypto.AuthKeyId;
import java.util.Objects;

/**
 * One row of Teamgram's {@code auths} table: what a (permanent) auth key's client last said in
 * initConnection, and the layer it speaks.
 *
 * @param layer      the client's layer as it stated it (not the mapped one); 0 when unknown
 * @param clientIp   the client's address as text ("" when unknown)
 * @param dateActive unix seconds of the write
 */
public record AuthRecord(AuthKeyId authKeyId, int layer, ClientInfo client, String clientIp, long dateActive) {
    public AuthRecord {
        Objects.requireNonNull(authKeyId, "authKeyId");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(clientIp, "clientIp");
    }
}
