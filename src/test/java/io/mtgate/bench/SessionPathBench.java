package io.mtgate.bench;

import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.MessageCrypto;
import io.mtgate.crypto.PaddingRandom;
import io.mtgate.server.SealedFrames;
import io.mtgate.session.DecryptedMessage;
import io.mtgate.session.EncryptedEnvelope;
import io.mtgate.transport.InboundFrame;
import io.mtgate.transport.OutboundFrame;
import io.mtgate.transport.TransportPipeline;
import io.mtgate.transport.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The whole per-message path of one encrypted message through the real transport pipeline, beside
 * the native estimate of {@link EnvelopeBench} (openssl AES-NI + SHA-NI) measured in the same run.
 *
 * <ul>
 *   <li>{@code receive}: an intermediate frame ({@code len | auth_key_id | msg_key | ciphertext}) in
 *       a pooled direct buffer (as a socket read leaves it) enters an {@link EmbeddedChannel} with
 *       the production pipeline ({@link TransportPipeline}: timeouts, detector, then the
 *       intermediate codec, the tag having been sent once in setup); the {@link InboundFrame} is
 *       copied into the thread's work buffer as {@code MtprotoConnectionHandler.channelRead} does
 *       (wiped again after decryption), decrypted and checked
 *       ({@link EncryptedEnvelope#decryptInPlace}: KDF, AES-IGE, SHA-256 msg_key check, length
 *       checks, inner header parse, body copy), and the session header fields the session layer
 *       reads first are read (session_id, msg_id parity and time, seqno parity, constructor).</li>
 *   <li>{@code send}: {@link EncryptedEnvelope#encrypt} of a {@code size}-byte body with the
 *       padding generator the server uses ({@link PaddingRandom#current()}, a CSPRNG, as
 *       {@code ConnectionLink} does), wrapped as the connection link does ({@link OutboundFrame}),
 *       encoded by the intermediate codec in the same pipeline; the encoded bytes are released.</li>
 * </ul>
 * Not included: the socket system calls and the session rules (replay window, salt check, queue).
 *
 * <p>Run: {@code java -cp $CP io.mtgate.bench.SessionPathBench [warmups=3 iterations=5 seconds=1
 * opensslSeconds=1 cpuSeconds=1]}; JMH alone: {@code org.openjdk.jmh.Main SessionPathBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SessionPathBench {
    @Param({"64", "1024", "16384"})
    public int size;

    private EmbeddedChannel channel;
    private ByteBuf frame;
    private EncryptedEnvelope envelope;
    private byte[] body;
    /** The event loop's work buffer of {@code MtprotoConnectionHandler} (one per thread). */
    private byte[] work;
    private long msgId = 0x6777E5EC00000004L;

    @Setup
    public void setup() {
        EnvelopeBench.Fixture f = new EnvelopeBench.Fixture(size);
        envelope = f.envelope;
        body = f.body;
        channel = new EmbeddedChannel();
        TransportPipeline.install(channel.pipeline(), TransportSettings.defaults());
        channel.writeInbound(Unpooled.buffer(4).writeIntLE(0xeeeeeeee));
        Object detected;
        while ((detected = channel.readInbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(detected);
        }
        work = new byte[f.packet.length];
        frame = PooledByteBufAllocator.DEFAULT.directBuffer(4 + f.packet.length);
        frame.writeIntLE(f.packet.length).writeBytes(f.packet);
    }

    @TearDown
    public void tearDown() {
        frame.release();
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public long receive() {
        channel.writeInbound(frame.retainedDuplicate());
        InboundFrame in = channel.readInbound();
        try {
            ByteBuf content = in.content();
            long authKeyId = content.getLongLE(content.readerIndex());
            if (authKeyId == 0) {
                throw new IllegalStateException();
            }
            int length = content.readableBytes();
            content.getBytes(content.readerIndex(), work, 0, length);
            DecryptedMessage m = envelope.decryptInPlace(work, 0, length).orElseThrow();
            Arrays.fill(work, 0, length, (byte) 0);
            byte[] b = m.body();
            int ctor = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
            boolean ok = (m.msgId() & 3) == 0 & (m.seqno() & 1) != 0 & (m.msgId() >>> 32) > 0;
            return m.sessionId() ^ ctor ^ (ok ? 1 : 0) ^ m.quickAckToken();
        } finally {
            in.release();
        }
    }

    @Benchmark
    public int send() {
        // The server's own calls (ConnectionLink.send): the message sealed into a pooled direct
        // buffer with room for the frame header, written with writeAndFlush and the void promise
        // (not EmbeddedChannel.writeOutbound, which adds a promise, a futures list and a
        // pending-task run per call that the server never pays).
        channel.writeAndFlush(SealedFrames.seal(channel.alloc(), envelope, 0x0102030405060708L, 0x1122334455667788L,
                msgId += 4, 3, body), channel.voidPromise());
        ByteBuf out = channel.readOutbound();
        int n = out.readableBytes();
        out.release();
        return n;
    }

    /** Messages per second of this thread's CPU time (median of 3 rounds after a warm-up round). */
    static Map<String, Double> cpuRates(double seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, double[]> rounds = new TreeMap<>();
        long sink = 0;
        for (int round = -1; round < 3; round++) {
            for (int size : EnvelopeBench.SIZES) {
                SessionPathBench b = new SessionPathBench();
                b.size = size;
                b.setup();
                for (String op : List.of("receive", "send")) {
                    boolean recv = op.equals("receive");
                    long budget = (long) (seconds * 1e9);
                    long ops = 0;
                    long t0 = mx.getCurrentThreadCpuTime();
                    long t;
                    do {
                        for (int i = 0; i < 32; i++) {
                            sink += recv ? b.receive() : b.send();
                        }
                        ops += 32;
                        t = mx.getCurrentThreadCpuTime() - t0;
                    } while (t < budget);
                    if (round >= 0) {
                        rounds.computeIfAbsent(op + " " + size, x -> new double[3])[round] = ops / (t / 1e9);
                    }
                }
                b.tearDown();
            }
        }
        if (sink == 42) {
            System.out.print("");
        }
        Map<String, Double> median = new TreeMap<>();
        rounds.forEach((k, v) -> {
            double[] c = v.clone();
            Arrays.sort(c);
            median.put(k, c[1]);
        });
        return median;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new TreeMap<>(Map.of("forks", "1", "warmups", "3", "iterations", "5",
                "seconds", "1", "opensslSeconds", "1", "cpuSeconds", "1"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        String os = a.get("opensslSeconds");
        String load0 = BenchEnv.loadavg();
        Map<String, Double> nativeBefore = EnvelopeBench.nativeRates(os);
        Options opt = new OptionsBuilder()
                .include(SessionPathBench.class.getName() + ".")
                .forks(Integer.parseInt(a.get("forks")))
                .warmupIterations(Integer.parseInt(a.get("warmups")))
                .warmupTime(TimeValue.seconds(Long.parseLong(a.get("seconds"))))
                .measurementIterations(Integer.parseInt(a.get("iterations")))
                .measurementTime(TimeValue.seconds(Long.parseLong(a.get("seconds"))))
                .build();
        String load1 = BenchEnv.loadavg();
        Collection<RunResult> results = new Runner(opt).run();
        String load2 = BenchEnv.loadavg();
        Map<String, Double> cpu = cpuRates(Double.parseDouble(a.get("cpuSeconds")));
        Map<String, Double> nativeAfter = EnvelopeBench.nativeRates(os);
        String load3 = BenchEnv.loadavg();

        Map<String, double[]> jmh = new TreeMap<>();
        for (RunResult r : results) {
            String op = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            jmh.put(op + " " + r.getParams().getParam("size"),
                    new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        StringBuilder sb = new StringBuilder("\n==== Whole message path: transport frame + envelope + header ====\n");
        sb.append("CPU: ").append(BenchEnv.cpuModel()).append("\nJDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("\nAES-IGE: ").append(AesIge.implementation())
                .append(", message crypto: ").append(MessageCrypto.nativeEnvelope() ? "one native call (SHA-NI + AES-NI)" : "JDK SHA-256 + AES-IGE")
                .append("\nOpenSSL: ").append(BenchEnv.run(List.of("openssl", "version")).trim())
                .append("\nload average: before openssl ").append(load0).append("; before JMH ").append(load1)
                .append("; before CPU-time loop ").append(load2).append("; after ").append(load3).append('\n');
        sb.append("| op | body | n (AES bytes) | JMH msgs/s (wall) | CPU-time msgs/s | native est. msgs/s | ratio JMH | ratio CPU-time |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (String op : List.of("receive", "send")) {
            for (int size : EnvelopeBench.SIZES) {
                int n = EnvelopeBench.ctLen(size) + (op.equals("send") ? 32 : 0);
                double nat = (EnvelopeBench.nativeMsgRate(nativeBefore, size, op)
                        + EnvelopeBench.nativeMsgRate(nativeAfter, size, op)) / 2;
                double[] j = jmh.get(op + " " + size);
                Double c = cpu.get(op + " " + size);
                sb.append(String.format(Locale.ROOT, "| %s | %d B | %d | %s | %,.0f | %,.0f | %s | %.2f |%n", op, size, n,
                        j == null ? "—" : String.format(Locale.ROOT, "%,.0f ± %,.0f", j[0], Double.isNaN(j[1]) ? 0 : j[1]),
                        c, nat, j == null ? "—" : String.format(Locale.ROOT, "%.2f", j[0] / nat), c / nat));
            }
        }
        System.out.println(sb);
    }
}
