package io.mtgate.transport;

import io.netty.channel.ChannelPipeline;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Assembles the transport part of a connection's pipeline. {@link #install} puts, at the head:
 * <pre>
 *   TIMEOUTS -> DETECTOR -> (whatever was there, e.g. APPLICATION)
 * </pre>
 * and once the first bytes are known the detector replaces itself, giving
 * <pre>
 *   TIMEOUTS -> [OBFUSCATION_DECODER -> OBFUSCATION_ENCODER ->] FRAMING -> APPLICATION
 * </pre>
 * The application handler (named {@link PipelineNames#APPLICATION}, added before or after this
 * call, e.g. with {@code addLast}) receives a {@link TransportDetected} user event, then
 * {@link InboundFrame}s, and writes {@link OutboundFrame}, {@link QuickAck} and
 * {@link TransportError}. Protocol violations and timeouts close the connection and are reported
 * to the {@link TransportListener}; they are not fired as exceptions.
 *
 * <p>On an HTTP connection FRAMING is the HTTP codec and the application receives
 * {@link HttpRequestFrame}s instead, each answered through its {@link HttpExchange}.
 */
public final class TransportPipeline {
    private static final RandomGenerator DEFAULT_RANDOM = new SecureRandom();

    private TransportPipeline() {
    }

    /** With a shared {@link SecureRandom} for padding and no listener. */
    public static void install(ChannelPipeline pipeline, TransportSettings settings) {
        install(pipeline, settings, TransportListener.NOOP, DEFAULT_RANDOM);
    }

    /**
     * @param random source of the random padding of padded-intermediate frames and framed quick
     *               ACKs; shared across event loops, so it must be thread-safe (SecureRandom is)
     */
    public static void install(ChannelPipeline pipeline, TransportSettings settings, TransportListener listener,
                               RandomGenerator random) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(random, "random");
        TransportTimeouts timeouts = new TransportTimeouts(settings, listener);
        pipeline.addFirst(PipelineNames.DETECTOR, new TransportDetector(settings, random, listener, timeouts));
        pipeline.addFirst(PipelineNames.TIMEOUTS, timeouts);
    }
}
