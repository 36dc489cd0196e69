package io.mtgate.server;

import io.mtgate.transport.PipelineNames;
import io.mtgate.transport.TransportPipeline;
import io.mtgate.transport.TransportSettings;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.tcp.TcpServer;

/**
 * The MTProto TCP listener: one port for every TCP transport. reactor-netty owns the sockets and
 * event loops; each connection's pipeline is ours (transport detection, framing, obfuscation,
 * then {@link MtprotoConnectionHandler}), placed ahead of reactor-netty's bridge, which then sees
 * nothing.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    /** Pipeline name of the per-address connection rate limit (present only when enabled). */
    public static final String RATE_LIMIT = "mtgate.rate-limit";
    static final String FLUSH_CONSOLIDATION = "mtgate.flush-consolidation";

    private final String host;
    private final int port;
    private final TransportSettings transport;
    private final HandshakeServices services;
    private final SessionServices sessionServices;
    private final ConnectionRateLimiter rateLimiter;
    private final int eventLoops;
    private final NetTransport netTransport;
    private DisposableServer server;
    private GatewayLoops loops;

    /** One event loop per available processor, on the best available transport. */
    public GatewayServer(String host, int port, TransportSettings transport, HandshakeServices services,
                         SessionServices sessionServices, ConnectionRateLimiter rateLimiter) {
        this(host, port, transport, services, sessionServices, rateLimiter, Runtime.getRuntime().availableProcessors(),
                NetTransport.AUTO);
    }

    public GatewayServer(String host, int port, TransportSettings transport, HandshakeServices services,
                         SessionServices sessionServices, ConnectionRateLimiter rateLimiter, int eventLoops,
                         NetTransport netTransport) {
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be at least 1");
        }
        this.eventLoops = eventLoops;
        this.netTransport = java.util.Objects.requireNonNull(netTransport, "netTransport");
        this.sessionServices = sessionServices;
        this.host = host;
        this.port = port;
        this.transport = transport;
        this.services = services;
        this.rateLimiter = rateLimiter;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        // Our own loops rather than reactor-netty's shared default (max(4, cores) threads): the
        // count is the operator's, and the gateway's sockets do not share threads with the HTTP
        // server's. The transport (io_uring, epoll, NIO) is the operator's too.
        loops = GatewayLoops.create("mtgate-tcp", eventLoops, netTransport);
        try {
            server = bind();
        } catch (RuntimeException e) {
            loops.dispose();
            loops = null;
            throw e;
        }
        log.info("MTProto TCP listener on {} (abridged, intermediate, padded intermediate, full, obfuscated2{}, HTTP, WebSocket /apiws); {} event loop(s), {}",
                describe(server.address()), transport.mtproxySecrets().isEmpty() ? "" : ", MTProxy secrets",
                eventLoops, server.channel().getClass().getSimpleName());
    }

    private DisposableServer bind() {
        return TcpServer.create()
                .runOn(loops)
                .host(host)
                .port(port)
                .doOnChannelInit((observer, channel, remote) -> {
                    channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, PipelineNames.APPLICATION,
                            new MtprotoConnectionHandler(services, sessionServices));
                    if (rateLimiter.enabled()) {
                        channel.pipeline().addBefore(PipelineNames.APPLICATION, RATE_LIMIT,
                                new ConnectionRateLimitHandler(rateLimiter, services.events()));
                    }
                    TransportPipeline.install(channel.pipeline(), transport,
                            (ch, reason) -> services.events().transportRejected(reason), services.random());
                    // Answers to pipelined requests leave in one write system call per read batch
                    // instead of one per answer (flushes from other threads still go out at once).
                    channel.pipeline().addFirst(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(256, true));
                })
                // Our handlers consume every frame, so nothing reaches this subscriber; subscribing
                // with unbounded demand keeps reactor-netty from switching auto-read off.
                .handle((in, out) -> in.receive().then())
                .bindNow(Duration.ofSeconds(30));
    }

    /** The kernel interface the running listener uses (never {@link NetTransport#AUTO}). */
    public synchronized NetTransport transport() {
        if (loops == null) {
            throw new IllegalStateException("not started");
        }
        return loops.transport();
    }

    /** The bound port (useful when configured as 0). */
    public synchronized int boundPort() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return ((InetSocketAddress) server.address()).getPort();
    }

    public synchronized boolean isRunning() {
        return server != null && !server.isDisposed();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
            server = null;
        }
        if (loops != null) {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(15));
            loops = null;
        }
    }

    private String describe(java.net.SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            // The configured host reads better than the JDK's dual-stack wildcard (0:0:0:0:...).
            return (inet.getAddress() != null && inet.getAddress().isAnyLocalAddress() ? host : inet.getHostString())
                    + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
