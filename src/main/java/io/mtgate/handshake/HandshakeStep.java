package io.mtgate.handshake;

import java.util.Objects;

/** What the adapter must do after feeding an event to a {@link HandshakeSession}. */
public sealed interface HandshakeStep permits HandshakeStep.Reply, HandshakeStep.StoreKey, HandshakeStep.Failure {

    /**
     * Send {@code payload} as one transport frame: a whole plain MTProto message (auth_key_id 0,
     * server msg_id with {@code msg_id mod 4 == 1}, length, body). A byte-identical retransmitted
     * request gets the very same payload (same msg_id) again.
     */
    record Reply(byte[] payload) implements HandshakeStep {
        public Reply {
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public String toString() {
            return "Reply[" + payload.length + " bytes]";
        }
    }

    /**
     * Persist {@code key} durably (off the event loop: a temporary key may stay in RAM only), then
     * call {@link HandshakeSession#onKeyStored} on the connection's event loop with the outcome.
     * Nothing is sent to the client until then.
     */
    record StoreKey(PendingKey key) implements HandshakeStep {
        public StoreKey {
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Send the 4-byte transport error {@code transportErrorCode} (a negative int32) through the
     * connection's codec: {@link #NOT_FOUND} (-404) for every handshake error, {@link #WRONG_DC}
     * (-444) when the client asked for another DC. Closing the connection afterwards is allowed.
     */
    record Failure(int transportErrorCode) implements HandshakeStep {
        public static final int NOT_FOUND = -404;
        public static final int WRONG_DC = -444;
    }
}
