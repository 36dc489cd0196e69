package io.mtgate.server;

import io.mtgate.transport.CloseReason;
import io.mtgate.transport.TransportKind;

/**
 * What the protocol edge reports for metrics. Implementations must be cheap and thread-safe; the
 * core calls them on event loops. No identifiers or addresses are passed, only bounded values.
 */
public interface GatewayEvents {
    GatewayEvents NONE = new GatewayEvents() {
    };

    default void connectionOpened() {
    }

    default void connectionClosed() {
    }

    /** @param webSocket the connection carries the stream in WebSocket messages (then always obfuscated) */
    default void transportDetected(TransportKind kind, boolean obfuscated, boolean webSocket) {
    }

    /** The transport layer closed a connection on its own (bad framing, timeout, wrong DC...). */
    default void transportRejected(CloseReason reason) {
    }

    /** The gateway refused a connection by its own policy ({@code reason}: a fixed small set). */
    default void connectionRefused(String reason) {
    }

    /** A key was durably stored and dh_gen_ok sent. */
    default void handshakeCompleted(boolean temporary) {
    }

    /** A handshake answered with a transport error (-404, -444) or a failed store. */
    default void handshakeFailed(String reason) {
    }

    /** An auth_key_id collided with a stored key and dh_gen_retry was sent. */
    default void handshakeRetry() {
    }

    /** An encrypted message named an auth_key_id that is not known. */
    default void unknownAuthKey() {
    }

    /** An encrypted message failed the envelope checks (length, msg_key, padding) and got -404. */
    default void envelopeRejected() {
    }
}
