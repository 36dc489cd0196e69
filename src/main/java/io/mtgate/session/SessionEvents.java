package io.mtgate.session;

/**
 * What the session layer reports for metrics: bounded values only (codes, kinds), never ids.
 * Implementations must be cheap and thread-safe.
 */
public interface SessionEvents {
    SessionEvents NONE = new SessionEvents() {
    };

    default void sessionCreated() {
    }

    default void sessionRemoved() {
    }

    /** A client message was refused with bad_msg_notification / bad_server_salt ({@code code}). */
    default void badMessage(int code) {
    }

    /** A client message passed every check and was processed. */
    default void messageAccepted() {
    }

    /** A duplicate client message was recognised and not executed again. */
    default void duplicateMessage() {
    }

    /** An RPC query was answered ({@code error}: with rpc_error). */
    default void rpcAnswered(boolean error) {
    }

    /** Unacknowledged server messages were sent again. */
    default void resent(int messages) {
    }

    /** Server-initiated messages dropped from a full or expired queue. */
    default void queueDropped(int messages) {
    }
}
