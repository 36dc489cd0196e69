package io.mtgate.session;

/**
 * A client message that passed the MTProto 2.0 envelope checks (checklist 3.3 steps 1-4): the
 * decrypted inner header and the message body ({@code message_data}, padding removed).
 *
 * <p>Nothing here is validated beyond the envelope: salt, session_id, msg_id and seqno still have
 * to be checked by the session layer (checklist 3.3 steps 5-10).
 *
 * @param salt          server_salt the client used
 * @param sessionId     the client's session_id
 * @param msgId         msg_id
 * @param seqno         seq_no
 * @param body          message_data ({@code message_data_length} bytes, a multiple of 4); owned by
 *                      the caller (a fresh array)
 * @param quickAckToken the quick-ACK token for this packet (checklist 1.6):
 *                      {@code LE_uint32(msg_key_large[0..4]) | 0x80000000}, from the SHA-256 that
 *                      verified the msg_key
 */
public record DecryptedMessage(long salt, long sessionId, long msgId, int seqno, byte[] body, int quickAckToken) {
    @Override
    public String toString() {
        return "DecryptedMessage[sessionId=" + sessionId + ", msgId=" + msgId + ", seqno=" + seqno
                + ", bodyLength=" + body.length + "]";
    }
}
