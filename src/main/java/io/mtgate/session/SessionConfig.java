package io.mtgate.session;

import java.time.Duration;

/**
 * Limits and lifetimes of the session layer.
 *
 * @param replayWindow         client msg_ids remembered per session (duplicates are recognised
 *                             within it; an id below all remembered ones when it is full gets 20)
 * @param maxPast              msg_id time more than this in the past: bad_msg 16 (checklist: 300 s)
 * @param maxFuture            msg_id time more than this in the future: bad_msg 17 (checklist: 30 s)
 * @param maxContainerMessages messages per container (checklist: 1024; more: -429)
 * @param maxVectorIds         ids in msgs_ack / msgs_state_req / msg_resend_req (8192; more: -429)
 * @param maxUnpackedSize      largest gzip_packed content accepted
 * @param maxQueuedMessages    server messages kept per session until acknowledged (oldest dropped)
 * @param maxPacketBody        largest container the server builds (more messages: several packets)
 * @param largeAnswer          answers above this size are not resent for a duplicate query;
 *                             msg_detailed_info is sent instead
 * @param idleSessionTimeout   a session with no connection is forgotten after this
 * @param maxSessionsPerKey    sessions per auth key (the least recently used one without a
 *                             connection is forgotten first)
 * @param pushQueueTtl         server-initiated messages for a key with no live session wait this long
 * @param maxPushQueue         ... and at most this many per key
 * @param maxHttpWait          longest a request on an HTTP connection is held by its http_wait
 *                             (checklist 4.5); larger client values are lowered to it
 * @param ackDelay             longest a msgs_ack for a client message may wait (see
 *                             {@code Session.acksDue}); zero sends every ack with the next flush.
 *                             {@link #DEFAULT} has zero (the tests' protocol-level expectations);
 *                             the server's configured default is 200 ms
 */
public record SessionConfig(
        int replayWindow,
        Duration maxPast,
        Duration maxFuture,
        int maxContainerMessages,
        int maxVectorIds,
        int maxUnpackedSize,
        int maxQueuedMessages,
        int maxPacketBody,
        int largeAnswer,
        Duration idleSessionTimeout,
        int maxSessionsPerKey,
        Duration pushQueueTtl,
        int maxPushQueue,
        Duration maxHttpWait,
        Duration ackDelay) {

    public static final SessionConfig DEFAULT = new SessionConfig(256, Duration.ofSeconds(300), Duration.ofSeconds(30),
            1024, 8192, 1 << 20, 1024, 1 << 20, 16 * 1024, Duration.ofMinutes(10), 64, Duration.ofMinutes(10), 256,
            Duration.ofSeconds(60), Duration.ZERO);

    public SessionConfig {
        if (replayWindow < 16 || maxContainerMessages < 1 || maxVectorIds < 1 || maxUnpackedSize < 1024
                || maxQueuedMessages < 1 || maxPacketBody < 4096 || largeAnswer < 0 || maxSessionsPerKey < 1
                || maxPushQueue < 0 || maxHttpWait == null || maxHttpWait.isNegative() || ackDelay == null
                || ackDelay.isNegative() || ackDelay.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("session limits out of range");
        }
    }
}
