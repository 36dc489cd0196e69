package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * The body of one {@code POST /api} (checklist 1.11): exactly one MTProto payload, plain or
 * encrypted, with no framing, padding or quick ACK. The receiver owns it and must release it, and
 * must answer it exactly once through {@link #exchange()} (at once or later, from any thread).
 */
public final class HttpRequestFrame extends DefaultByteBufHolder {
    private final HttpExchange exchange;

    public HttpRequestFrame(ByteBuf payload, HttpExchange exchange) {
        super(payload);
        this.exchange = Objects.requireNonNull(exchange, "exchange");
    }

    /** Where the answer to this request goes. */
    public HttpExchange exchange() {
        return exchange;
    }

    @Override
    public HttpRequestFrame replace(ByteBuf content) {
        return new HttpRequestFrame(content, exchange);
    }

    @Override
    public HttpRequestFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public HttpRequestFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public HttpRequestFrame touch() {
        super.touch();
        return this;
    }

    @Override
    public HttpRequestFrame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "HttpRequestFrame(" + content().readableBytes() + " bytes)";
    }
}
