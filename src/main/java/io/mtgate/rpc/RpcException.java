package io.mtgate.rpc;

import java.util.Objects;

/**
 * Fails a query with a specific {@link RpcError}: a handler throws it, or completes its stage
 * exceptionally with it. Any other exception becomes {@code 500 INTERNAL}.
 */
public final class RpcException extends RuntimeException {
    private final RpcError error;

    public RpcException(RpcError error) {
        super(Objects.requireNonNull(error, "error").code() + " " + error.message(), null, false, false);
        this.error = error;
    }

    public RpcException(int code, String message) {
        this(new RpcError(code, message));
    }

    public RpcError error() {
        return error;
    }
}
