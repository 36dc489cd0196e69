package io.mtgate.rpc;

import java.util.List;
import java.util.Objects;

/**
 * A query with its invoke wrappers and {@code gzip_packed} layers taken off.
 *
 * @param statedLayer  the layer of the innermost {@code invokeWithLayer}, or null when there was none
 * @param clientInfo   the innermost {@code initConnection}, or null
 * @param afterMsgIds  msg_ids of every {@code invokeAfterMsg} / {@code invokeAfterMsgs} (in order)
 * @param options      the other wrappers
 * @param method       the boxed method call that remained (constructor id first), not yet decoded
 */
public record UnwrappedQuery(Integer statedLayer, ClientInfo clientInfo, List<Long> afterMsgIds,
                             InvokeOptions options, byte[] method) {
    public UnwrappedQuery {
        afterMsgIds = List.copyOf(afterMsgIds);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(method, "method");
    }

    /** The method's constructor id (the first word of {@link #method()}). */
    public int methodId() {
        return (method[0] & 0xff) | (method[1] & 0xff) << 8 | (method[2] & 0xff) << 16 | (method[3] & 0xff) << 24;
    }
}
