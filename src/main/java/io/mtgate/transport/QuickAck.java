package io.mtgate.transport;

/**
 * A quick-ACK reply to write to the client (checklist 1.6). {@code token} is
 * {@code LE_uint32(msg_key_large[0..4]) | 0x80000000}; the most significant bit must be set, which
 * is what lets clients tell it apart from a frame length. The framing codec encodes it:
 * abridged 4 raw bytes big-endian; intermediate 4 raw bytes LE; padded intermediate a padded
 * frame {@code ffffffff} + token LE + 0..8 random bytes; full 4 raw bytes LE (unconfirmed in the
 * spec; modern clients do not use full + quick ACK).
 */
public record QuickAck(int token) {
    public QuickAck {
        if (token >= 0) {
            throw new IllegalArgumentException("quick-ACK token must have bit 31 set: " + Integer.toHexString(token));
        }
    }
}
