package io.mtgate.bench;

import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.MtprotoKdf;
import io.mtgate.crypto.PaddingRandom;
import io.mtgate.session.DecryptedMessage;
import io.mtgate.session.EncryptedEnvelope;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The encrypted-message path ({@link EncryptedEnvelope}) for one message, and a native reference
 * measured in the same run.
 *
 * <ul>
 *   <li>{@code receive}: a client packet (body {@code size} bytes, minimum padding, so the
 *       ciphertext is {@code n = 32 + size + pad} with pad in 12..27) is copied into a work buffer
 *       (decryption is in place; the copy is part of the figure, ~1-3 %), then
 *       {@link EncryptedEnvelope#decryptInPlace}: auth_key_id, KDF (2 x SHA-256 of 52 bytes),
 *       AES-256-IGE decryption, SHA-256 over 32 + n bytes, constant-time msg_key check, header parse,
 *       body copy.</li>
 *   <li>{@code send}: {@link EncryptedEnvelope#encrypt} of a {@code size}-byte body (padding policy:
 *       minimum + 0..4 random blocks, mean +32 bytes) with the server's padding CSPRNG
 *       ({@link PaddingRandom#current()}).</li>
 * </ul>
 *
 * <p>Native reference ({@link #main}): {@code openssl speed -evp aes-256-cbc -bytes n} (AES-NI;
 * CBC encryption is serial like IGE) and {@code openssl speed -evp sha256 -bytes m} (SHA-NI).
 * Estimated native time per message:
 * {@code t(n) = n / AES(n) + (n + 32) / SHA(n + 32) + 2 * 52 / SHA(52)}, where {@code X(b)} is
 * openssl's throughput at block size {@code b}; native message rate = 1 / t(n). For send, n is the
 * mean ciphertext length (receive n + 32). openssl's default timing is user CPU time, so the Java
 * side is also timed by thread CPU time ({@link #cpuRates}) besides JMH (wall clock).
 *
 * <p>Run: {@code java -cp $CP io.mtgate.bench.EnvelopeBench [forks=1 warmups=3 iterations=5
 * seconds=1 opensslSeconds=1 cpuSeconds=1]}, or JMH alone:
 * {@code java -cp $CP org.openjdk.jmh.Main EnvelopeBench -f 1 -wi 3 -i 5 -w 1s -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EnvelopeBench {
    static final int[] SIZES = {64, 1024, 16384};

    @Param({"64", "1024", "16384"})
    public int size;

    private EncryptedEnvelope envelope;
    private byte[] packet;
    private byte[] work;
    private byte[] body;
    private long msgId;

    @Setup
    public void setup() {
        Fixture s = new Fixture(size);
        envelope = s.envelope;
        packet = s.packet;
        work = new byte[packet.length];
        body = s.body;
    }

    @Benchmark
    public DecryptedMessage receive() {
        System.arraycopy(packet, 0, work, 0, packet.length);
        return envelope.decryptInPlace(work, 0, work.length).orElseThrow();
    }

    @Benchmark
    public byte[] send() {
        return envelope.encrypt(0x1122334455667788L, 0x0102030405060708L, msgId += 4, 3, body, 0, body.length, PaddingRandom.current());
    }

    /** A key, a valid client packet of the given body size (built as a client would: x = 0), the body. */
    static final class Fixture {
        final EncryptedEnvelope envelope;
        final byte[] packet;
        final byte[] body;

        Fixture(int size) {
            SplittableRandom r = new SplittableRandom(size);
            byte[] k = new byte[256];
            r.nextBytes(k);
            AuthKey key = new AuthKey(k);
            envelope = EncryptedEnvelope.forKey(key);
            body = new byte[size];
            r.nextBytes(body);
            int pad = 12 + (-(32 + size + 12) & 15);
            byte[] plain = ByteBuffer.allocate(32 + size + pad).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(1).putLong(2).putLong(0x6777E5EC00000004L).putInt(1).putInt(size).put(body)
                    .put(new byte[pad]).array();
            byte[] msgKey = MtprotoKdf.msgKey(k, 0, plain, 0, plain.length);
            MtprotoKdf.KeyIv kv = MtprotoKdf.v2(k, msgKey, 0);
            packet = ByteBuffer.allocate(24 + plain.length).order(ByteOrder.LITTLE_ENDIAN).putLong(key.id().value())
                    .put(msgKey).put(AesIge.encrypt(kv.key(), kv.iv(), plain)).array();
        }
    }

    /** Messages per second of this thread's CPU time (median of 3 rounds after a warm-up). */
    static Map<String, Double> cpuRates(double seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, double[]> rounds = new TreeMap<>();
        long sink = 0;
        for (int round = -1; round < 3; round++) {
            for (int size : SIZES) {
                EnvelopeBench b = new EnvelopeBench();
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
                            sink += recv ? b.receive().seqno() : b.send().length;
                        }
                        ops += 32;
                        t = mx.getCurrentThreadCpuTime() - t0;
                    } while (t < budget);
                    if (round >= 0) {
                        rounds.computeIfAbsent(op + " " + size, x -> new double[3])[round] = ops / (t / 1e9);
                    }
                }
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
        Map<String, Double> nativeBefore = nativeRates(os);
        Options opt = new OptionsBuilder()
                .include(EnvelopeBench.class.getName() + ".")
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
        Map<String, Double> nativeAfter = nativeRates(os);
        String load3 = BenchEnv.loadavg();

        Map<String, double[]> jmh = new TreeMap<>();
        for (RunResult r : results) {
            String op = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            jmh.put(op + " " + r.getParams().getParam("size"),
                    new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        StringBuilder sb = new StringBuilder("\n==== Encrypted message path ====\n");
        sb.append("CPU: ").append(BenchEnv.cpuModel()).append("\nJDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("\nAES-IGE: ").append(AesIge.implementation())
                .append("\nOpenSSL: ").append(BenchEnv.run(List.of("openssl", "version")).trim())
                .append("\nload average: before openssl ").append(load0).append("; before JMH ").append(load1)
                .append("; before CPU-time loop ").append(load2).append("; after ").append(load3).append('\n');
        sb.append("openssl raw (MB/s, before/after): ").append(nativeBefore.keySet().stream()
                .map(k -> String.format(Locale.ROOT, "%s %.0f/%.0f", k, nativeBefore.get(k) / 1e6, nativeAfter.get(k) / 1e6))
                .toList()).append("\n\n");
        sb.append("| op | body | n (AES bytes) | JMH msgs/s (wall) | CPU-time msgs/s | native est. msgs/s | ratio JMH | ratio CPU-time |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (String op : List.of("receive", "send")) {
            for (int size : SIZES) {
                int n = ctLen(size) + (op.equals("send") ? 32 : 0);
                double nat = (nativeMsgRate(nativeBefore, size, op) + nativeMsgRate(nativeAfter, size, op)) / 2;
                double[] j = jmh.get(op + " " + size);
                Double c = cpu.get(op + " " + size);
                sb.append(String.format(Locale.ROOT, "| %s | %d B | %d | %s | %,.0f | %,.0f | %s | %.2f |%n", op, size, n,
                        j == null ? "—" : String.format(Locale.ROOT, "%,.0f ± %,.0f", j[0], Double.isNaN(j[1]) ? 0 : j[1]),
                        c, nat, j == null ? "—" : String.format(Locale.ROOT, "%.2f", j[0] / nat), c / nat));
            }
        }
        System.out.println(sb);
    }

    /** Receive-side ciphertext length for a body of {@code size} bytes (minimum padding). */
    static int ctLen(int size) {
        return 32 + size + 12 + (-(32 + size + 12) & 15);
    }

    /** 1 / (n/AES(n) + (n+32)/SHA(n+32) + 2*52/SHA(52)), rates in B/s. */
    static double nativeMsgRate(Map<String, Double> rates, int size, String op) {
        int n = ctLen(size) + (op.equals("send") ? 32 : 0);
        double t = n / rates.get("aes " + n) + (n + 32) / rates.get("sha " + (n + 32)) + 2 * 52 / rates.get("sha 52");
        return 1 / t;
    }

    /** openssl throughputs (B/s) for every block size the estimates need: "aes n", "sha m". */
    static Map<String, Double> nativeRates(String seconds) throws IOException, InterruptedException {
        Map<String, Double> m = new TreeMap<>();
        m.put("sha 52", openssl("sha256", 52, seconds));
        for (int size : SIZES) {
            for (int extra : new int[] {0, 32}) {
                int n = ctLen(size) + extra;
                m.put("aes " + n, openssl("aes-256-cbc", n, seconds));
                m.put("sha " + (n + 32), openssl("sha256", n + 32, seconds));
            }
        }
        return m;
    }

    /** B/s from {@code openssl speed -evp alg -bytes n -seconds s} (default: user CPU time). */
    static double openssl(String alg, int bytes, String seconds) throws IOException, InterruptedException {
        String out = BenchEnv.run(List.of("openssl", "speed", "-evp", alg, "-bytes", Integer.toString(bytes), "-seconds", seconds));
        for (String line : out.split("\n")) {
            String l = line.trim().toLowerCase(Locale.ROOT);
            if (l.startsWith(alg) || l.startsWith(alg.replace("sha256", "sha2-256"))) {
                String[] f = l.split("\\s+");
                String v = f[f.length - 1];
                if (v.endsWith("k")) {
                    return Double.parseDouble(v.substring(0, v.length() - 1)) * 1000;
                }
            }
        }
        throw new IllegalStateException("cannot parse openssl speed output:\n" + out);
    }
}
