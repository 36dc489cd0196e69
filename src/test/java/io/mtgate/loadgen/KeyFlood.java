package io.mtgate.loadgen;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The random auth_key_id flood of issue 4, over the wire: every packet is an encrypted-looking
 * MTProto message (random auth_key_id, msg_key and body) on its own intermediate-transport
 * connection, because the server answers an unknown key with transport error -404 and closes.
 * Reports packets answered per second, how many answers were not -404, and what the flood cost the
 * storage behind the server: JDBC connection borrows (Hikari's {@code hikaricp.connections.usage}
 * count from the server's {@code /actuator/prometheus}) and Redis commands (INFO stats of the
 * server's Redis, when given).
 *
 * <pre>
 * java -cp $CP io.mtgate.loadgen.KeyFlood port=31443 management=31880 threads=8 seconds=10 [redis=127.0.0.1:6379]
 * </pre>
 */
public final class KeyFlood {
    private static final int INTERMEDIATE = 0xeeeeeeee;

    private final String host;
    private final int port;
    private final int sources;
    private final LongAdder answered404 = new LongAdder();
    private final LongAdder otherAnswers = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean running = true;

    private KeyFlood(String host, int port, int sources) {
        this.host = host;
        this.port = port;
        this.sources = sources;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        String host = a.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(a.getOrDefault("port", "10443"));
        int management = Integer.parseInt(a.getOrDefault("management", "8080"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "8"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
        int sources = Integer.parseInt(a.getOrDefault("sources", "1"));
        String redis = a.get("redis");

        KeyFlood flood = new KeyFlood(host, port, sources);
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int n = i;
            workers[i] = new Thread(() -> flood.work(n), "flood-" + i);
            workers[i].setDaemon(true);
            workers[i].start();
        }
        Thread.sleep(warmup * 1000L);
        double borrows0 = jdbcBorrows(host, management);
        long redis0 = redis == null ? -1 : redisCommands(redis);
        long ok0 = flood.answered404.sum();
        long other0 = flood.otherAnswers.sum();
        long fail0 = flood.failures.sum();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long t1 = System.nanoTime();
        long ok = flood.answered404.sum() - ok0;
        long other = flood.otherAnswers.sum() - other0;
        long fail = flood.failures.sum() - fail0;
        double borrows = jdbcBorrows(host, management) - borrows0;
        long redisCmds = redis == null ? -1 : redisCommands(redis) - redis0 - 1; // minus our own INFO
        flood.running = false;
        double secs = (t1 - t0) / 1e9;
        System.out.printf(Locale.ROOT, "packets answered -404: %d in %.1f s = %.0f/s; other answers %d; "
                        + "connection failures %d%n", ok, secs, ok / secs, other, fail);
        System.out.printf(Locale.ROOT, "JDBC connection borrows during the run: %.0f (%.2f/s)%n", borrows,
                borrows / secs);
        if (redis != null) {
            System.out.printf(Locale.ROOT, "Redis commands during the run: %d (%.2f/s)%n", redisCmds, redisCmds / secs);
        }
    }

    private void work(int n) {
        SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        byte[] frame = new byte[4 + 4 + 8 + 16 + 64];
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        byte[] answer = new byte[8];
        int source = n % sources;
        while (running) {
            b.clear();
            b.putInt(INTERMEDIATE).putInt(8 + 16 + 64).putLong(random.nextLong() | 1);
            for (int i = 0; i < 16 + 64; i += 8) {
                b.putLong(random.nextLong());
            }
            try (Socket s = new Socket()) {
                s.setSoLinger(true, 0); // no TIME_WAIT left behind: the flood would run out of ports
                s.setTcpNoDelay(true);
                if (sources > 1) {
                    s.bind(new InetSocketAddress("127.0.0." + (1 + source), 0));
                }
                s.connect(new InetSocketAddress(host, port), 2000);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write(frame);
                out.flush();
                InputStream in = s.getInputStream();
                new DataInputStream(in).readFully(answer);
                ByteBuffer r = ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN);
                if (r.getInt() == 4 && r.getInt() == -404) {
                    answered404.increment();
                } else {
                    otherAnswers.increment();
                }
            } catch (EOFException e) {
                otherAnswers.increment(); // closed without the transport error
            } catch (IOException e) {
                failures.increment();
            }
        }
    }

    /** Sum of {@code hikaricp_connections_usage_seconds_count} over the server's pools. */
    private static double jdbcBorrows(String host, int management) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + host + ":" + management + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        boolean seen = false;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("hikaricp_connections_usage_seconds_count")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                seen = true;
            }
        }
        if (!seen) {
            throw new IllegalStateException("no hikaricp_connections_usage_seconds_count in /actuator/prometheus");
        }
        return sum;
    }

    private static long redisCommands(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        try (Socket s = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))) {
            s.getOutputStream().write("INFO stats\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(2000);
            byte[] buf = new byte[16384];
            StringBuilder text = new StringBuilder();
            InputStream in = s.getInputStream();
            while (!text.toString().contains("total_commands_processed:") || !text.toString().endsWith("\r\n")) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                text.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            for (String line : text.toString().split("\r\n")) {
                if (line.startsWith("total_commands_processed:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            throw new IllegalStateException("no total_commands_processed in INFO stats");
        }
    }
}
