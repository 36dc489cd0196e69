package io.mtgate.session;


/**
 * A connection on which the server may speak only in answer to a pending client request: HTTP
 * (checklist 1.11). Every message the session receives on it is one request, and the session
 * answers every request with exactly one {@link #send}: at once, later as the request's
 * {@code http_wait} asks (checklist 4.5), or with an empty container when its {@code max_wait}
 * passes with nothing to say. A request that arrives while the previous one on the same connection
 * is unanswered gets the previous one answered first, so answers stay in request order.
 */
public interface LongPollLink extends SessionLink {
}
