package io.mtgate.session;

import java.net.SocketAddress;
import java.time.Duration;

/**
 * One client connection as the session layer sees it. Implemented by the transport adapter; all
 * methods are non-blocking and callable from any thread.
 */
public interface SessionLink {
    /**
     * Encrypts and writes one server message (a single message or a container) of a session:
     * {@code salt | session_id | msg_id | seqno | length | messageData}.
     */
    void send(long sessionId, long salt, long msgId, int seqno, byte[] messageData);

    /** False once the connection is closed; the session then stops using it. */
    boolean isOpen();

    /**
     * {@code ping_delay_disconnect}: close this connection after {@code delay} unless called again
     * (each call replaces the previous timer). A zero or negative delay cancels the timer.
     */
    void armDisconnect(Duration delay);

    /** Sends a transport error (e.g. -429 for an oversize vector) and closes the connection. */
    void fail(int transportErrorCode);

    /**
     * Runs {@code task} once after {@code delay} on the connection's executor, never in the
     * caller's stack (it may take the session's lock). It runs even if the connection closes first.
     */
    void schedule(Duration delay, Runnable task);

    /** Remote address for the RPC context; may be {@code null}. */
    SocketAddress remoteAddress();
}
