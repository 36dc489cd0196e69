package io.mtgate.transport;

import io.netty.channel.Channel;

/**
 * Reports from the transport layer (for metrics and logs; no Micrometer here). Called on the
 * channel's event loop; implementations must be cheap and must not throw.
 */
@FunctionalInterface
public interface TransportListener {
    TransportListener NOOP = (channel, reason) -> { };

    /** The transport layer is closing {@code channel} because of {@code reason}. */
    void connectionRejected(Channel channel, CloseReason reason);
}
