package io.mtgate.server;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;

/**
 * The kernel interface the MTProto listener's event loops use. {@link #AUTO} is epoll where it is
 * available, else NIO; io_uring is taken only when named (measured in docs/PERFORMANCE.md: less
 * server CPU per request on the AMD EPYC VM, but newer, and often disabled in containers). Naming
 * one that is unavailable fails the start with the reason, rather than quietly running on another.
 */
public enum NetTransport {
    AUTO, IO_URING, EPOLL, NIO;

    /** The transport that will actually run here: never {@link #AUTO}. */
    public NetTransport resolve() {
        return resolve(IoUring.isAvailable() ? null : IoUring.unavailabilityCause(),
                Epoll.isAvailable() ? null : Epoll.unavailabilityCause());
    }

    /**
     * @param ioUringMissing why io_uring is unavailable, or null if it is available
     * @param epollMissing why epoll is unavailable, or null if it is available
     */
    NetTransport resolve(Throwable ioUringMissing, Throwable epollMissing) {
        return switch (this) {
            case AUTO -> epollMissing == null ? EPOLL : NIO;
            case IO_URING -> {
                if (ioUringMissing != null) {
                    throw new IllegalStateException(
                            "mtgate.tcp.transport=io_uring, but io_uring is unavailable here: " + ioUringMissing, ioUringMissing);
                }
                yield this;
            }
            case EPOLL -> {
                if (epollMissing != null) {
                    throw new IllegalStateException(
                            "mtgate.tcp.transport=epoll, but epoll is unavailable here: " + epollMissing, epollMissing);
                }
                yield this;
            }
            case NIO -> this;
        };
    }
}
