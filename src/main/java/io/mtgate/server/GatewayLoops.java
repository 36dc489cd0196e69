package io.mtgate.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * The MTProto listener's event loops, on the transport the operator chose. reactor-netty's own
 * {@link LoopResources#create} picks the transport itself (io_uring whenever Netty's io_uring
 * jar is present), so the choice could not be honoured through it; here one group serves both
 * accepting and the connections, as {@code LoopResources.create} does by default.
 */
final class GatewayLoops implements LoopResources {
    /**
     * Completion-queue entries per io_uring loop. Netty's default (2 × a 4,096-entry ring)
     * overflowed in a 1,000-connection load run: completions then wait in the kernel's overflow
     * list, which works but costs extra system calls. 16 B each: 512 KiB per loop.
     */
    static final int IO_URING_CQ_SIZE = 32_768;

    private final NetTransport transport;
    private final EventLoopGroup group;
    private final Supplier<ServerSocketChannel> serverChannel;
    private final Supplier<SocketChannel> socketChannel;
    private final Class<? extends ServerSocketChannel> serverChannelClass;
    private final Class<? extends SocketChannel> socketChannelClass;

    private GatewayLoops(NetTransport transport, String name, int threads, IoHandlerFactory handlers,
                         Supplier<ServerSocketChannel> serverChannel, Class<? extends ServerSocketChannel> serverChannelClass,
                         Supplier<SocketChannel> socketChannel, Class<? extends SocketChannel> socketChannelClass) {
        this.transport = transport;
        this.group = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory(name + "-" + transport.name().toLowerCase(java.util.Locale.ROOT), true), handlers);
        this.serverChannel = serverChannel;
        this.serverChannelClass = serverChannelClass;
        this.socketChannel = socketChannel;
        this.socketChannelClass = socketChannelClass;
    }

    /** Loops of {@code transport} resolved ({@link NetTransport#resolve()}: fails if it is unavailable). */
    static GatewayLoops create(String name, int threads, NetTransport transport) {
        NetTransport t = transport.resolve();
        return switch (t) {
            case IO_URING -> new GatewayLoops(t, name, threads,
                    IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setCqSize(IO_URING_CQ_SIZE)),
                    IoUringServerSocketChannel::new, IoUringServerSocketChannel.class,
                    IoUringSocketChannel::new, IoUringSocketChannel.class);
            case EPOLL -> new GatewayLoops(t, name, threads, EpollIoHandler.newFactory(),
                    EpollServerSocketChannel::new, EpollServerSocketChannel.class,
                    EpollSocketChannel::new, EpollSocketChannel.class);
            case NIO -> new GatewayLoops(t, name, threads, NioIoHandler.newFactory(),
                    NioServerSocketChannel::new, NioServerSocketChannel.class,
                    NioSocketChannel::new, NioSocketChannel.class);
            case AUTO -> throw new AssertionError("resolve() never returns AUTO");
        };
    }

    /** The transport these loops run on (never {@link NetTransport#AUTO}). */
    NetTransport transport() {
        return transport;
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        return group;
    }

    @Override
    public EventLoopGroup onServerSelect(boolean useNative) {
        return group;
    }

    @Override
    public EventLoopGroup onClient(boolean useNative) {
        return group;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <CHANNEL extends Channel> CHANNEL onChannel(Class<CHANNEL> type, EventLoopGroup group) {
        if (type == ServerSocketChannel.class) {
            return (CHANNEL) serverChannel.get();
        }
        if (type == SocketChannel.class) {
            return (CHANNEL) socketChannel.get();
        }
        throw new IllegalArgumentException("the MTProto listener's loops serve TCP only, not " + type.getName());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <CHANNEL extends Channel> Class<? extends CHANNEL> onChannelClass(Class<CHANNEL> type, EventLoopGroup group) {
        if (type == ServerSocketChannel.class) {
            return (Class<? extends CHANNEL>) serverChannelClass;
        }
        if (type == SocketChannel.class) {
            return (Class<? extends CHANNEL>) socketChannelClass;
        }
        throw new IllegalArgumentException("the MTProto listener's loops serve TCP only, not " + type.getName());
    }

    @Override
    public boolean isDisposed() {
        return group.isShuttingDown();
    }

    @Override
    public void dispose() {
        group.shutdownGracefully(0, 10, TimeUnit.SECONDS);
    }

    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        return Mono.defer(() -> {
            io.netty.util.concurrent.Future<?> f =
                    group.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Mono.<Void>create(sink -> f.addListener(done -> {
                if (done.isSuccess()) {
                    sink.success();
                } else {
                    sink.error(done.cause());
                }
            }));
        });
    }
}
