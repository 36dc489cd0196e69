package io.mtgate.loadgen;

import io.mtgate.authkey.JdbcAuthKeyStore;
import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.TestClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * MTProto load generator: many connections over the intermediate transport, each with its own auth
 * key and session, on a few Netty event loops (epoll when available).
 *
 * <pre>
 * java -cp $CP io.mtgate.loadgen.LoadGen MODE key=value ...
 *   provision  count=N keys=FILE db=JDBC_URL          random keys written to FILE and inserted into the
 *                                                     server's database (server stopped; H2 file lock)
 *   handshake  count=N keys=FILE pub=server.pub.pem   real DH handshakes over the wire, keys to FILE
 *   run        keys=FILE connections=N rate=R | depth=D  warmup=S seconds=S threads=T pid=SERVER_PID
 *   idle       keys=FILE connections=N pid=SERVER_PID hold=S   heap per idle authenticated connection
 *              offset=K (use the keys K..K+N-1 of FILE)  sync=DIR name=ID (several generators measure
 *              at the same moment; see {@link #idle()} and src/test/loadgen/idle-cluster.sh)
 * common: host=127.0.0.1 port=10443 sources=1 firstSource=1 (127.0.0.F..F+N-1 as source addresses)
 *         threads=1
 * </pre>
 */
public final class LoadGen {
    static final int PING = 0x7abe77ec;
    static final int PONG = 0x347773c5;
    static final int MSG_CONTAINER = 0x73f1f8dc;
    static final int NEW_SESSION_CREATED = 0x9ec20908;
    static final int BAD_SERVER_SALT = 0xedab447b;
    static final int BAD_MSG_NOTIFICATION = 0xa7eff811;
    static final int MSGS_ACK = 0x62d6b459;
    static final int RPC_RESULT = 0xf35c6d01;
    static final int VECTOR = 0x1cb5c415;
    static final long AUTH_PING = Long.MIN_VALUE;

    final Map<String, String> args;
    final String host;
    final int port;
    final int sources;
    final int firstSource;
    final int threads;
    final boolean contentRelatedPings;

    // run state
    volatile int phase; // 0 authenticate, 1 load, 2 stop
    volatile boolean recording;
    volatile long loadStartNanos;
    double ratePerConnPerNano; // rate mode; 0 = closed loop with depth
    int depth;
    int cap;
    final AtomicInteger ready = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger closedUnexpectedly = new AtomicInteger();
    final LongAdder pongs = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder behind = new LongAdder();
    final LongAdder badSalt = new LongAdder();
    final LongAdder badMsg = new LongAdder();
    final LongAdder other = new LongAdder();
    final Map<Integer, LongAdder> badMsgCodes = new ConcurrentHashMap<>();
    final Map<EventLoop, LatencyHistogram> histograms = new ConcurrentHashMap<>();
    final Map<EventLoop, List<Conn>> perLoop = new ConcurrentHashMap<>();
    Semaphore connecting;

    LoadGen(Map<String, String> args) {
        this.args = args;
        this.host = args.getOrDefault("host", "127.0.0.1");
        this.port = Integer.parseInt(args.getOrDefault("port", "10443"));
        this.sources = Integer.parseInt(args.getOrDefault("sources", "1"));
        this.firstSource = Integer.parseInt(args.getOrDefault("firstSource", "1"));
        this.threads = Integer.parseInt(args.getOrDefault("threads", "1"));
        this.contentRelatedPings = Boolean.parseBoolean(args.getOrDefault("contentRelated", "true"));
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length < 1) {
            System.err.println("usage: LoadGen provision|handshake|run|idle key=value ...");
            System.exit(2);
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 1; i < argv.length; i++) {
            int eq = argv[i].indexOf('=');
            args.put(argv[i].substring(0, eq), argv[i].substring(eq + 1));
        }
        LoadGen g = new LoadGen(args);
        switch (argv[0]) {
            case "provision" -> g.provision();
            case "handshake" -> g.handshake();
            case "run" -> g.run();
            case "idle" -> g.idle();
            default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
        }
        System.exit(0);
    }

    long arg(String name, long def) {
        return Long.parseLong(args.getOrDefault(name, Long.toString(def)));
    }

    // ------------------------------------------------------------------ keys

    record Key(byte[] key, long salt) {
    }

    static void writeKeys(Path file, List<Key> keys) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(keys.size());
            for (Key k : keys) {
                out.write(k.key());
                out.writeLong(k.salt());
            }
        }
    }

    static List<Key> readKeys(Path file, int max) throws IOException {
        return readKeys(file, 0, max);
    }

    /** The keys {@code offset .. offset + max - 1} of the file (fewer if the file has fewer). */
    static List<Key> readKeys(Path file, int offset, int max) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            int total = in.readInt();
            if (offset > 0) {
                in.skipNBytes((long) Math.min(offset, total) * (256 + 8));
            }
            int n = Math.max(0, Math.min(total - offset, max));
            List<Key> keys = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] k = new byte[256];
                in.readFully(k);
                keys.add(new Key(k, in.readLong()));
            }
            return keys;
        }
    }

    /** Random keys, inserted into auth_keys + auth_key_infos like JdbcAuthKeyStore.save does. */
    void provision() throws Exception {
        int count = (int) arg("count", 1000);
        Path file = Path.of(args.get("keys"));
        String url = args.get("db");
        SecureRandom rnd = new SecureRandom();
        List<Key> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] k = new byte[256];
            rnd.nextBytes(k);
            keys.add(new Key(k, 0L));
        }
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, args.getOrDefault("dbUser", "sa"), args.getOrDefault("dbPassword", ""))) {
            c.setAutoCommit(false);
            try (PreparedStatement ks = c.prepareStatement("INSERT INTO auth_keys (auth_key_id, body, deleted) VALUES (?, ?, 0)");
                 PreparedStatement is = c.prepareStatement("INSERT INTO auth_key_infos (auth_key_id, auth_key_type,"
                         + " perm_auth_key_id, temp_auth_key_id, media_temp_auth_key_id, deleted) VALUES (?, 0, 0, 0, 0, 0)")) {
                int n = 0;
                for (Key k : keys) {
                    long id = new AuthKey(k.key()).id().value();
                    ks.setLong(1, id);
                    ks.setString(2, JdbcAuthKeyStore.encodeBody(k.key()));
                    ks.addBatch();
                    is.setLong(1, id);
                    is.addBatch();
                    if (++n % 1000 == 0) {
                        ks.executeBatch();
                        is.executeBatch();
                        c.commit();
                    }
                }
                ks.executeBatch();
                is.executeBatch();
                c.commit();
            }
        }
        writeKeys(file, keys);
        System.out.printf(Locale.ROOT, "provisioned %d keys into %s in %.1f s; keys in %s%n", count, url,
                (System.nanoTime() - t0) / 1e9, file);
    }

    // ------------------------------------------------------------------ netty plumbing

    /** {@code transport=epoll} (the default; NIO where epoll is unavailable), {@code io_uring} or {@code nio}. */
    String transport() {
        String t = args.getOrDefault("transport", "epoll");
        return switch (t) {
            case "epoll" -> Epoll.isAvailable() ? "epoll" : "nio";
            case "io_uring" -> {
                IoUring.ensureAvailability();
                yield t;
            }
            case "nio" -> t;
            default -> throw new IllegalArgumentException("transport=" + t + ": epoll, io_uring or nio");
        };
    }

    EventLoopGroup group() {
        return switch (transport()) {
            case "epoll" -> new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
            case "io_uring" -> new MultiThreadIoEventLoopGroup(threads,
                    IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setCqSize(32_768)));
            default -> new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        };
    }

    Class<? extends SocketChannel> channelClass() {
        return switch (transport()) {
            case "epoll" -> EpollSocketChannel.class;
            case "io_uring" -> IoUringSocketChannel.class;
            default -> NioSocketChannel.class;
        };
    }

    Bootstrap bootstrap(EventLoopGroup group, java.util.function.Supplier<io.netty.channel.ChannelHandler> handler) {
        return new Bootstrap().group(group)
                .channel(channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, 1 << 24, 0, 4, 0, 4, true));
                        ch.pipeline().addLast(handler.get());
                    }
                });
    }

    InetSocketAddress source(int i) {
        return new InetSocketAddress("127.0.0." + (firstSource + i % sources), 0);
    }

    static void writeTagAndFrame(ChannelHandlerContext ctx, byte[] payload) {
        ByteBuf b = ctx.alloc().buffer(8 + payload.length);
        b.writeIntLE(0xeeeeeeee);
        b.writeIntLE(payload.length);
        b.writeBytes(payload);
        ctx.writeAndFlush(b);
    }

    static void writeFrame(Channel ch, byte[] payload) {
        ByteBuf b = ch.alloc().buffer(4 + payload.length);
        b.writeIntLE(payload.length);
        b.writeBytes(payload);
        ch.writeAndFlush(b);
    }

    // ------------------------------------------------------------------ handshake mode

    /** Real DH handshakes (the tests' protocol client), CPU work on a worker pool, keys to a file. */
    void handshake() throws Exception {
        int count = (int) arg("count", 100);
        int concurrency = (int) arg("concurrency", 16);
        String pem = Files.readString(Path.of(args.get("pub")));
        BigInteger[] ne = parsePkcs1Public(pem);
        long fingerprint = RsaKey.computeFingerprint(ne[0], ne[1]);
        ExecutorService workers = Executors.newFixedThreadPool((int) arg("workers", 2));
        EventLoopGroup group = group();
        List<Key> keys = java.util.Collections.synchronizedList(new ArrayList<>());
        Semaphore sem = new Semaphore(concurrency);
        AtomicInteger fails = new AtomicInteger();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            sem.acquire();
            TestClient client = new TestClient(new SecureRandom(), ne[0], ne[1], fingerprint);
            Bootstrap b = bootstrap(group, () -> new SimpleChannelInboundHandler<ByteBuf>() {
                int step;

                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    writeTagAndFrame(ctx, client.reqPqMulti());
                }

                @Override
                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                    byte[] payload = ByteBufUtil.getBytes(msg);
                    Channel ch = ctx.channel();
                    int s = step++;
                    workers.execute(() -> {
                        try {
                            if (s == 0) {
                                client.onResPq(payload);
                                writeFrame(ch, client.reqDhParams(TestClient.Variant.PLAIN, TestClient.Padding.RSA_PAD, 0, 0));
                            } else if (s == 1) {
                                client.onServerDhParams(payload);
                                writeFrame(ch, client.setClientDhParams(0));
                            } else {
                                client.onDhGenOk(payload);
                                keys.add(new Key(client.authKey, client.expectedSalt()));
                                ch.close();
                            }
                        } catch (Throwable t) {
                            if (fails.getAndIncrement() < 5) {
                                System.err.println("handshake failed: " + t);
                            }
                            ch.close();
                        }
                    });
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    sem.release();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                }
            });
            b.connect(new InetSocketAddress(host, port), source(i)).addListener(f -> {
                if (!f.isSuccess()) {
                    fails.incrementAndGet();
                    sem.release();
                }
            });
        }
        sem.acquire(concurrency);
        double s = (System.nanoTime() - t0) / 1e9;
        writeKeys(Path.of(args.get("keys")), keys);
        System.out.printf(Locale.ROOT, "%d handshakes in %.1f s (%.0f/s), %d failed; keys in %s%n", keys.size(), s,
                keys.size() / s, fails.get(), args.get("keys"));
        workers.shutdown();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** PKCS#1 RSAPublicKey PEM: SEQUENCE { INTEGER n, INTEGER e }. */
    static BigInteger[] parsePkcs1Public(String pem) {
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        int[] pos = {0};
        readTag(der, pos, 0x30);
        BigInteger n = new BigInteger(readTlv(der, pos, 0x02));
        BigInteger e = new BigInteger(readTlv(der, pos, 0x02));
        return new BigInteger[] {n, e};
    }

    private static int readTag(byte[] d, int[] pos, int tag) {
        if ((d[pos[0]++] & 0xff) != tag) {
            throw new IllegalArgumentException("not a PKCS#1 public key");
        }
        int len = d[pos[0]++] & 0xff;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (d[pos[0]++] & 0xff);
            }
        }
        return len;
    }

    private static byte[] readTlv(byte[] d, int[] pos, int tag) {
        int len = readTag(d, pos, tag);
        byte[] v = java.util.Arrays.copyOfRange(d, pos[0], pos[0] + len);
        pos[0] += len;
        return v;
    }

    // ------------------------------------------------------------------ encrypted connections

    /** One connection = one auth key and one session. All methods run on the channel's event loop. */
    final class Conn extends SimpleChannelInboundHandler<ByteBuf> {
        final ClientEnvelope env;
        final long sessionId;
        final SplittableRandom random;
        long salt;
        long lastMsgId;
        int contentSeq;
        ChannelHandlerContext ctx;
        boolean authenticated;
        boolean released;
        // load phase
        long nextPing;
        long answered;
        long[] sendTimes;
        long loadStart;
        final long[] acks = new long[16];
        int ackCount;
        final byte[] body = new byte[12];

        Conn(Key key, long seed) {
            this.env = new ClientEnvelope(key.key());
            this.salt = key.salt();
            this.random = new SplittableRandom(seed);
            this.sessionId = random.nextLong();
        }

        long nextMsgId() {
            long millis = System.currentTimeMillis();
            long t = ((millis / 1000) << 32) | (((millis % 1000) << 32) / 1000);
            t &= ~3L;
            lastMsgId = Math.max(t, lastMsgId + 4);
            return lastMsgId;
        }

        void writePing(long pingId) {
            ClientEnvelope.INT_LE.set(body, 0, PING);
            ClientEnvelope.LONG_LE.set(body, 4, pingId);
            int seqno = contentRelatedPings ? 2 * contentSeq++ + 1 : 2 * contentSeq;
            ByteBuf out = ctx.alloc().buffer(4 + 24 + 80);
            env.writeFrame(out, salt, sessionId, nextMsgId(), seqno, body, 12, random);
            ctx.write(out, ctx.voidPromise());
        }

        void sendPing() {
            long id = nextPing++;
            sendTimes[(int) (id & (sendTimes.length - 1))] = System.nanoTime();
            writePing(id);
            sent.increment();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            ByteBuf tag = ctx.alloc().buffer(4).writeIntLE(0xeeeeeeee);
            ctx.write(tag, ctx.voidPromise());
            writePing(AUTH_PING);
            ctx.flush();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            if (msg.readableBytes() == 4) {
                int code = msg.getIntLE(msg.readerIndex());
                if (failed.getAndIncrement() < 5) {
                    System.err.println("transport error " + code + " from the server");
                }
                ctx.close();
                return;
            }
            byte[] packet = ByteBufUtil.getBytes(msg);
            int off = env.decrypt(packet);
            if (off < 0) {
                if (failed.getAndIncrement() < 5) {
                    System.err.println("undecryptable server packet of " + packet.length + " bytes");
                }
                ctx.close();
                return;
            }
            long msgId = (long) ClientEnvelope.LONG_LE.get(packet, off + 16);
            int seqno = (int) ClientEnvelope.INT_LE.get(packet, off + 24);
            int len = (int) ClientEnvelope.INT_LE.get(packet, off + 28);
            handle(packet, off + 32, len, msgId, seqno);
            if (ackCount > 0) {
                sendAcks();
            }
        }

        void handle(byte[] b, int off, int len, long msgId, int seqno) {
            if ((seqno & 1) != 0 && ackCount < acks.length) {
                acks[ackCount++] = msgId;
            }
            int ctor = (int) ClientEnvelope.INT_LE.get(b, off);
            switch (ctor) {
                case MSG_CONTAINER -> {
                    int n = (int) ClientEnvelope.INT_LE.get(b, off + 4);
                    int p = off + 8;
                    for (int i = 0; i < n; i++) {
                        long id = (long) ClientEnvelope.LONG_LE.get(b, p);
                        int sq = (int) ClientEnvelope.INT_LE.get(b, p + 8);
                        int bl = (int) ClientEnvelope.INT_LE.get(b, p + 12);
                        handle(b, p + 16, bl, id, sq);
                        p += 16 + bl;
                    }
                }
                case PONG -> onPong((long) ClientEnvelope.LONG_LE.get(b, off + 12));
                case NEW_SESSION_CREATED -> salt = (long) ClientEnvelope.LONG_LE.get(b, off + 20);
                case BAD_SERVER_SALT -> {
                    salt = (long) ClientEnvelope.LONG_LE.get(b, off + 20);
                    badSalt.increment();
                    if (!authenticated) {
                        writePing(AUTH_PING);
                    } else if (phase == 1) {
                        answered++; // that ping is lost: replace it
                        sendPing();
                    }
                }
                case BAD_MSG_NOTIFICATION -> {
                    int code = (int) ClientEnvelope.INT_LE.get(b, off + 16);
                    badMsg.increment();
                    badMsgCodes.computeIfAbsent(code, c -> new LongAdder()).increment();
                    if (authenticated && phase == 1) {
                        answered++;
                        sendPing();
                    } else if (!authenticated) {
                        writePing(AUTH_PING);
                    }
                }
                case MSGS_ACK -> {
                }
                default -> other.increment();
            }
        }

        void onPong(long pingId) {
            if (pingId == AUTH_PING) {
                if (!authenticated) {
                    authenticated = true;
                    ready.incrementAndGet();
                    release();
                }
                return;
            }
            long now = System.nanoTime();
            answered++;
            pongs.increment();
            if (recording) {
                long t = sendTimes[(int) (pingId & (sendTimes.length - 1))];
                histogram().record((now - t) / 1000);
            }
            if (phase == 1 && ratePerConnPerNano == 0) {
                sendPing(); // closed loop: keep depth in flight
            }
        }

        LatencyHistogram histogram() {
            return histograms.computeIfAbsent(ctx.channel().eventLoop(), l -> new LatencyHistogram());
        }

        void sendAcks() {
            byte[] ack = new byte[4 + 4 + 4 + 8 * ackCount];
            ClientEnvelope.INT_LE.set(ack, 0, MSGS_ACK);
            ClientEnvelope.INT_LE.set(ack, 4, VECTOR);
            ClientEnvelope.INT_LE.set(ack, 8, ackCount);
            for (int i = 0; i < ackCount; i++) {
                ClientEnvelope.LONG_LE.set(ack, 12 + 8 * i, acks[i]);
            }
            ackCount = 0;
            ByteBuf out = ctx.alloc().buffer(4 + 24 + 32 + ack.length + 28);
            env.writeFrame(out, salt, sessionId, nextMsgId(), 2 * contentSeq, ack, ack.length, random);
            ctx.write(out, ctx.voidPromise());
        }

        /** Starts the load phase on this connection (event loop). */
        void startLoad() {
            sendTimes = new long[cap];
            // rate mode: each connection gets a random phase, so the pings are spread over time
            // instead of all connections sending in the same tick
            loadStart = System.nanoTime()
                    - (ratePerConnPerNano > 0 ? (long) (random.nextDouble() / ratePerConnPerNano) : 0);
            if (ratePerConnPerNano == 0) {
                for (int i = 0; i < depth; i++) {
                    sendPing();
                }
                ctx.flush();
            }
        }

        /** Rate mode: writes what is due (called by the loop's ticker); true if anything was written. */
        boolean tick(long now) {
            long due = (long) ((now - loadStart) * ratePerConnPerNano);
            long inFlight = nextPing - answered;
            long toSend = due - nextPing;
            if (toSend <= 0) {
                return false;
            }
            long room = cap - inFlight;
            if (toSend > room) {
                behind.add(toSend - Math.max(0, room));
                nextPingSkip(toSend - Math.max(0, room));
                toSend = Math.max(0, room);
            }
            for (long i = 0; i < toSend; i++) {
                sendPing();
            }
            return toSend > 0;
        }

        /** Pings that could not be sent because too many are in flight are skipped, not queued. */
        private void nextPingSkip(long n) {
            nextPing += n;
            answered += n;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        void release() {
            if (!released) {
                released = true;
                connecting.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (phase < 2) {
                if (closedUnexpectedly.getAndIncrement() < 5) {
                    System.err.println("connection closed by the server (authenticated=" + authenticated + ")");
                }
            }
            release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failed.getAndIncrement() < 5) {
                System.err.println("connection error: " + cause);
            }
            ctx.close();
        }
    }

    /** Opens and authenticates one connection per key (at most {@code inflight} at a time). */
    List<Conn> connectAll(EventLoopGroup group, List<Key> keys, int n) throws InterruptedException {
        connecting = new Semaphore((int) arg("inflight", 500));
        List<Conn> conns = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            connecting.acquire();
            Conn c = new Conn(keys.get(i % keys.size()), i * 0x9E3779B97F4A7C15L + System.nanoTime());
            conns.add(c);
            bootstrap(group, () -> c).connect(new InetSocketAddress(host, port), source(i)).addListener(f -> {
                if (!f.isSuccess()) {
                    if (failed.getAndIncrement() < 5) {
                        System.err.println("connect failed: " + f.cause());
                    }
                    c.release();
                }
            });
            if ((i + 1) % 10_000 == 0) {
                System.out.printf(Locale.ROOT, "  %d connections opened, %d authenticated (%.1f s)%n", i + 1,
                        ready.get(), (System.nanoTime() - t0) / 1e9);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(arg("authTimeout", 120));
        while (ready.get() + failed.get() + closedUnexpectedly.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        System.out.printf(Locale.ROOT, "%d of %d connections authenticated in %.1f s (failed %d, closed %d, bad salts %d)%n",
                ready.get(), n, (System.nanoTime() - t0) / 1e9, failed.get(), closedUnexpectedly.get(), badSalt.sum());
        return conns;
    }

    // ------------------------------------------------------------------ run mode

    void run() throws Exception {
        int n = (int) arg("connections", 1000);
        List<Key> keys = readKeys(Path.of(args.get("keys")), Integer.MAX_VALUE);
        if (keys.size() < n) {
            System.out.printf("note: %d keys for %d connections (keys are reused round-robin)%n", keys.size(), n);
        }
        long rate = arg("rate", 0);
        depth = (int) arg("depth", 1);
        cap = Integer.highestOneBit((int) Math.max(arg("cap", 256), depth) * 2 - 1);
        ratePerConnPerNano = rate > 0 ? rate / (double) n / 1e9 : 0;
        long warmup = arg("warmup", 5);
        long seconds = arg("seconds", 10);
        long pid = arg("pid", 0);
        EventLoopGroup group = group();
        List<Conn> conns = connectAll(group, keys, n);
        for (Conn c : conns) {
            if (c.authenticated) {
                perLoop.computeIfAbsent(c.ctx.channel().eventLoop(), l -> java.util.Collections.synchronizedList(new ArrayList<>())).add(c);
            }
        }
        phase = 1;
        loadStartNanos = System.nanoTime();
        for (Map.Entry<EventLoop, List<Conn>> e : perLoop.entrySet()) {
            EventLoop loop = e.getKey();
            List<Conn> list = e.getValue();
            loop.execute(() -> list.forEach(Conn::startLoad));
            if (ratePerConnPerNano > 0) {
                long tickMicros = arg("tickMicros", 1000);
                loop.scheduleAtFixedRate(() -> {
                    if (phase != 1) {
                        return;
                    }
                    long now = System.nanoTime();
                    for (Conn c : list) {
                        if (c.tick(now)) {
                            c.ctx.flush();
                        }
                    }
                }, tickMicros, tickMicros, TimeUnit.MICROSECONDS);
            }
        }
        System.out.printf(Locale.ROOT, "load: %s, %d connections, %d event loop(s) (%s), pings %s; warm-up %d s%n",
                rate > 0 ? "open loop " + rate + " pings/s" : "closed loop depth " + depth,
                perLoop.values().stream().mapToInt(List::size).sum(), threads,
                transport(), contentRelatedPings ? "content-related (odd seqno)" : "not content-related",
                warmup);
        Thread.sleep(warmup * 1000);
        Cpu s0 = Cpu.read(pid);
        long p0 = pongs.sum();
        long t0 = System.nanoTime();
        recording = true;
        for (long i = 0; i < seconds; i++) {
            Thread.sleep(1000);
            System.out.printf(Locale.ROOT, "  t=%2d s  %,d pongs/s%n", i + 1, pongs.sum() - p0 - 0);
            p0 = pongs.sum();
        }
        recording = false;
        long t1 = System.nanoTime();
        Cpu s1 = Cpu.read(pid);
        phase = 2;
        // read the histograms on their own loops
        LatencyHistogram all = new LatencyHistogram();
        for (EventLoop loop : perLoop.keySet()) {
            loop.submit(() -> {
                LatencyHistogram h = histograms.get(loop);
                if (h != null) {
                    synchronized (all) {
                        all.add(h);
                    }
                }
            }).sync();
        }
        double secs = (t1 - t0) / 1e9;
        long count = all.count();
        double rps = count / secs;
        System.out.printf(Locale.ROOT, "%nRESULT connections=%d mode=%s pings=%s%n", perLoop.values().stream().mapToInt(List::size).sum(),
                rate > 0 ? "rate=" + rate : "depth=" + depth, contentRelatedPings ? "odd" : "even");
        System.out.printf(Locale.ROOT, "  request/response pairs: %,d in %.2f s = %,.0f /s%n", count, secs, rps);
        System.out.printf(Locale.ROOT, "  latency µs: mean %.0f  p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n", all.mean(),
                all.percentile(50), all.percentile(90), all.percentile(99), all.percentile(99.9), all.max());
        if (rate > 0) {
            System.out.printf(Locale.ROOT, "  pings skipped because %d were in flight on a connection: %,d%n", cap, behind.sum());
        }
        System.out.printf(Locale.ROOT, "  bad_server_salt %d, bad_msg_notification %d %s, other messages %d, failed %d, closed %d%n",
                badSalt.sum(), badMsg.sum(), badMsgCodes, other.sum(), failed.get(), closedUnexpectedly.get());
        if (pid > 0) {
            double serverCpu = s1.proc - s0.proc;
            System.out.printf(Locale.ROOT, "  server CPU: %.2f s in %.2f s = %.2f cores; %.2f µs per request/response (%.0f %% in the kernel)%n",
                    serverCpu, secs, serverCpu / secs, serverCpu / count * 1e6, 100 * (s1.procSys - s0.procSys) / serverCpu);
        }
        double selfCpu = s1.self - s0.self;
        System.out.printf(Locale.ROOT, "  generator CPU: %.2f cores; %.2f µs per request/response (%.0f %% in the kernel)%n",
                selfCpu / secs, selfCpu / count * 1e6, 100 * (s1.selfSys - s0.selfSys) / selfCpu);
        System.out.printf(Locale.ROOT, "  machine: %.2f of %d cores busy (all processes); load average %s%n",
                (s1.busy - s0.busy) / secs, Runtime.getRuntime().availableProcessors(), Cpu.loadavg());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    // ------------------------------------------------------------------ idle mode

    /**
     * Heap per idle authenticated connection: class histogram of the server (full GC) with none of
     * this generator's connections, then with all of them open and authenticated.
     *
     * <p>With {@code sync=DIR name=ID} several generators (one per server process) take their
     * histograms at the same moment, so every server is measured while all connections of all of
     * them are open: the generator writes {@code DIR/base.ID} after its first histogram and waits for
     * {@code DIR/connect}; writes {@code DIR/ready.ID} once its connections are authenticated and
     * waits for {@code DIR/measure}; writes {@code DIR/measured.ID} (with a {@code RESULTLINE}) after
     * the second histogram and keeps its connections open until {@code DIR/close} appears.
     */
    void idle() throws Exception {
        int n = (int) arg("connections", 1000);
        int offset = (int) arg("offset", 0);
        long pid = arg("pid", 0);
        String syncDir = args.get("sync");
        Path sync = syncDir == null ? null : Path.of(syncDir);
        String name = args.getOrDefault("name", Long.toString(ProcessHandle.current().pid()));
        List<Key> keys = readKeys(Path.of(args.get("keys")), offset, n);
        if (keys.size() < n) {
            System.out.printf("note: %d keys for %d connections (keys are reused round-robin)%n", keys.size(), n);
        }
        Map<String, long[]> h0 = histogram(pid);
        long rss0 = Cpu.rssKb(pid);
        if (sync != null) {
            Files.writeString(sync.resolve("base." + name), "");
            await(sync.resolve("connect"));
        }
        EventLoopGroup group = group();
        long t0 = System.nanoTime();
        connectAll(group, keys, n);
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        if (sync != null) {
            Files.writeString(sync.resolve("ready." + name), ready.get() + " " + n + "\n");
            await(sync.resolve("measure"));
        } else {
            Thread.sleep(arg("settle", 5) * 1000);
        }
        int live = ready.get();
        Map<String, long[]> h1 = histogram(pid);
        long rss1 = Cpu.rssKb(pid);
        long total0 = h0.get("Total")[1];
        long total1 = h1.get("Total")[1];
        System.out.printf(Locale.ROOT, "%nRESULT idle authenticated connections=%d (of %d; keys %d..%d; %.1f s to open and authenticate)%n",
                live, n, offset, offset + n - 1, connectSeconds);
        System.out.printf(Locale.ROOT, "  server live heap after full GC: %,d B with 0 -> %,d B with %d = %,.0f B (%.2f KiB) per connection%n",
                total0, total1, live, (total1 - total0) / (double) live, (total1 - total0) / (double) live / 1024);
        System.out.printf(Locale.ROOT, "  server RSS: %,d KiB -> %,d KiB = %.2f KiB per connection (heap growth + direct buffers + native)%n",
                rss0, rss1, (rss1 - rss0) / (double) live);
        List<Map.Entry<String, long[]>> diffs = new ArrayList<>();
        for (Map.Entry<String, long[]> e : h1.entrySet()) {
            if (e.getKey().equals("Total")) {
                continue;
            }
            long[] before = h0.getOrDefault(e.getKey(), new long[2]);
            diffs.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - before[0], e.getValue()[1] - before[1]}));
        }
        diffs.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        System.out.println("  largest growth by class (instances, bytes per connection):");
        for (int i = 0; i < Math.min(25, diffs.size()); i++) {
            Map.Entry<String, long[]> e = diffs.get(i);
            System.out.printf(Locale.ROOT, "    %8.2f  %8.1f B  %s%n", e.getValue()[0] / (double) live,
                    e.getValue()[1] / (double) live, e.getKey());
        }
        // one line for scripts: name, authenticated, requested, closed, heap before/after (B), RSS before/after (KiB), seconds
        String line = String.format(Locale.ROOT, "RESULTLINE %s %d %d %d %d %d %d %d %.1f", name, live, n,
                closedUnexpectedly.get(), total0, total1, rss0, rss1, connectSeconds);
        System.out.println(line);
        if (sync != null) {
            Files.writeString(sync.resolve("measured." + name), line + "\n");
            await(sync.resolve("close"));
            System.out.printf(Locale.ROOT, "closing; connections closed by the server until now: %d%n", closedUnexpectedly.get());
        }
        long hold = arg("hold", 0);
        if (hold > 0) {
            System.out.println("holding the connections for " + hold + " s");
            Thread.sleep(hold * 1000);
        }
        phase = 2;
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    static void await(Path file) throws InterruptedException {
        while (!Files.exists(file)) {
            Thread.sleep(200);
        }
    }

    /** jcmd PID GC.class_histogram (a full GC first): class -> {instances, bytes}; "Total" too. */
    static Map<String, long[]> histogram(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        Map<String, long[]> m = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    m.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                } else if (f.length >= 3 && f[0].equals("Total")) {
                    m.put("Total", new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
        }
        p.waitFor();
        if (!m.containsKey("Total")) {
            throw new IllegalStateException("no class histogram from jcmd " + pid);
        }
        return m;
    }

    /** CPU seconds of a process (utime + stime), of this process, and busy seconds of the machine. */
    record Cpu(double proc, double procSys, double self, double selfSys, double busy) {
        static final double TICK = 100.0; // CLK_TCK on Linux x86_64

        static Cpu read(long pid) throws IOException {
            return new Cpu(pid > 0 ? procCpu(Path.of("/proc/" + pid + "/stat")) : 0,
                    pid > 0 ? procSys(Path.of("/proc/" + pid + "/stat")) : 0,
                    procCpu(Path.of("/proc/self/stat")), procSys(Path.of("/proc/self/stat")), machineBusy());
        }

        static double procSys(Path stat) throws IOException {
            String s = Files.readString(stat);
            return Long.parseLong(s.substring(s.lastIndexOf(')') + 2).split(" ")[12]) / TICK;
        }

        static double procCpu(Path stat) throws IOException {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // fields after the command: state(3) ... utime(14) stime(15) -> indexes 11, 12 here
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICK;
        }

        static double machineBusy() throws IOException {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) {
                if (i != 4 && i != 5) { // idle, iowait (guest time is already in user)
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / TICK;
        }

        static String loadavg() {
            try {
                return Files.readString(Path.of("/proc/loadavg")).trim();
            } catch (IOException e) {
                return "?";
            }
        }

        static long rssKb(long pid) throws IOException {
            if (pid <= 0) {
                return 0;
            }
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
            return 0;
        }
    }
}
