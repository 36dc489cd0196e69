package io.mtgate.session;

import io.mtgate.tl.Tl;
import io.mtgate.tl.mtproto.RpcError;
import java.nio.charset.StandardCharsets;

/** Boxed {@code rpc_error#2144ca19} values the session layer itself produces. */
public final class RpcErrors {
    private RpcErrors() {
    }

    public static byte[] of(int code, String message) {
        return Tl.serialize(new RpcError(code, message.getBytes(StandardCharsets.UTF_8)));
    }

    /** 500 INTERNAL: an invoker failure, with no details for the client. */
    public static byte[] internal() {
        return of(500, "INTERNAL");
    }
}
