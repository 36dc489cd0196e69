package io.mtgate.rpc;

import io.mtgate.tl.Tl;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.TlWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code rpc_error#2144ca19 error_code:int error_message:string}: the failed answer to a query.
 * A handler may return one as its result, or fail its stage with {@link RpcException}.
 *
 * <p>The constants are the errors this layer produces itself; {@code docs/RPC.md} lists when.
 */
public record RpcError(int code, String message) implements TlObject {
    public static final int CONSTRUCTOR_ID = 0x2144ca19;

    /** A handler failed or returned something unusable; details are logged, never sent. */
    public static final RpcError INTERNAL = new RpcError(500, "INTERNAL");
    /** The query (a wrapper or the method's arguments) is truncated or malformed. */
    public static final RpcError INPUT_FETCH_ERROR = new RpcError(400, "INPUT_FETCH_ERROR");
    /** A constructor id inside the query that its schema does not allow there (unknown, or of another type). */
    public static final RpcError INPUT_CONSTRUCTOR_INVALID = new RpcError(400, "INPUT_CONSTRUCTOR_INVALID");
    /** A string, vector or gzip_packed of the query is larger than this server's limits. */
    public static final RpcError INPUT_REQUEST_TOO_LONG = new RpcError(400, "INPUT_REQUEST_TOO_LONG");
    /** invokeWithLayer named a layer below the oldest this server speaks. */
    public static final RpcError CONNECTION_LAYER_INVALID = new RpcError(400, "CONNECTION_LAYER_INVALID");
    /** A query named by invokeAfterMsg(s) failed. */
    public static final RpcError MSG_WAIT_FAILED = new RpcError(400, "MSG_WAIT_FAILED");
    /** A query named by invokeAfterMsg(s) was not answered in time; the client resends. */
    public static final RpcError MSG_WAIT_TIMEOUT = new RpcError(400, "MSG_WAIT_TIMEOUT");
    /** The method needs a logged-in user. */
    public static final RpcError AUTH_KEY_UNREGISTERED = new RpcError(401, "AUTH_KEY_UNREGISTERED");
    /** A temporary key that is not bound to a permanent key called a method other than the three allowed. */
    public static final RpcError AUTH_KEY_PERM_EMPTY = new RpcError(401, "AUTH_KEY_PERM_EMPTY");
    /** Too many queries waiting for a handler thread; clients retry after a second. */
    public static final RpcError FLOOD_WAIT_1 = new RpcError(420, "FLOOD_WAIT_1");

    public RpcError {
        Objects.requireNonNull(message, "message");
    }

    /**
     * The answer to a method this server does not know or does not implement. Telegram answers
     * {@code INPUT_METHOD_INVALID_<constructor id as unsigned decimal>_<n>} (seen in the wild, e.g.
     * {@code INPUT_METHOD_INVALID_4110704415_X}); the meaning of its second number is not public, so
     * it is always 0 here. Clients match on the {@code INPUT_METHOD_INVALID} prefix.
     */
    public static RpcError inputMethodInvalid(int constructorId) {
        return new RpcError(400, "INPUT_METHOD_INVALID_" + Integer.toUnsignedString(constructorId) + "_0");
    }

    @Override
    public int constructorId() {
        return CONSTRUCTOR_ID;
    }

    @Override
    public void serializeBare(TlWriter w) {
        w.writeInt(code);
        w.writeBytes(message.getBytes(StandardCharsets.UTF_8));
    }

    /** The boxed bytes, as sent in rpc_result. */
    public byte[] toBoxedBytes() {
        return Tl.serialize(this);
    }
}
