package io.mtgate.config;

import jakarta.validation.Valid;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The encrypted-session layer, under {@code mtgate.session.} (checklist 3-4).
 *
 * @param replayWindow        client msg_ids remembered per session to recognise duplicates
 * @param maxPast             how old a client msg_id may be (bad_msg 16 beyond; checklist: 300 s)
 * @param maxFuture           how far ahead a client msg_id may be (bad_msg 17 beyond; checklist: 30 s)
 * @param maxQueuedMessages   server messages kept per session until the client acknowledges them
 * @param idleTimeout         a session without a connection is forgotten after this (old docs: ~10 min)
 * @param maxSessionsPerKey   sessions one auth key may hold on this node
 * @param pushQueueTtl        pushes for a key with no live session wait at most this long
 * @param maxPushQueue        ... and at most this many per key
 * @param maxUnpackedSize     largest gzip_packed content accepted from a client
 * @param sweepInterval       how often idle sessions and expired pushes are looked for
 * @param maxHttpWait         longest an HTTP request is held for its {@code http_wait} (clients ask
 *                            25 s by default; a larger {@code max_wait} is lowered to this)
 * @param ackDelay            longest a msgs_ack for a client's content-related message may wait:
 *                            an ack rides in the next answer once it has waited half of this, and
 *                            goes alone when all of it has passed; a query answered sooner needs no
 *                            msgs_ack. 0 acknowledges with every answer (a container per answer)
 * @param salts               server salt lifetimes
 */
@Validated
@ConfigurationProperties("mtgate.session")
public record SessionProperties(
        @Min(16) @Max(65536) @DefaultValue("256") int replayWindow,
        @NotNull @DefaultValue("300s") Duration maxPast,
        @NotNull @DefaultValue("30s") Duration maxFuture,
        @Min(1) @DefaultValue("1024") int maxQueuedMessages,
        @NotNull @DefaultValue("10m") Duration idleTimeout,
        @Min(1) @DefaultValue("64") int maxSessionsPerKey,
        @NotNull @DefaultValue("10m") Duration pushQueueTtl,
        @Min(0) @DefaultValue("256") int maxPushQueue,
        @NotNull @DefaultValue("1MB") DataSize maxUnpackedSize,
        @NotNull @DefaultValue("30s") Duration sweepInterval,
        @NotNull @DefaultValue("60s") Duration maxHttpWait,
        @NotNull @DurationMin(millis = 0) @DurationMax(minutes = 1) @DefaultValue("200ms") Duration ackDelay,
        @Valid @NotNull @DefaultValue Salts salts) {

    /**
     * Server salts, derived per auth key and time slot from a secret (see
     * {@code io.mtgate.session.DerivedSalts}); every node of a cluster must share the secret.
     *
     * @param period          lifetime of one salt (checklist 3.6: the pages say 30 min to 24 h; 1 h here)
     * @param overlap         the previous salt is still accepted this long after its period ends
     * @param earlyAcceptance the next salt is accepted this long before its period starts (clock skew)
     * @param secretFile      where the 32-byte secret is kept; generated (mode 0600) when missing.
     *                        Default: {@code <data-dir>/salt-secret}
     * @param initialValidity how long a new key's DH salt is accepted
     */
    public record Salts(
            @NotNull @DefaultValue("1h") Duration period,
            @NotNull @DefaultValue("30m") Duration overlap,
            @NotNull @DefaultValue("60s") Duration earlyAcceptance,
            Path secretFile,
            @NotNull @DefaultValue("30m") Duration initialValidity) {
    }
}
