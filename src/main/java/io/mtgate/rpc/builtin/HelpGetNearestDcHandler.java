package io.mtgate.rpc.builtin;

import io.mtgate.rpc.BuiltInRpcHandler;
import io.mtgate.rpc.RpcContext;
import io.mtgate.tl.TlFunction;
import io.mtgate.tl.TlObject;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code help.getNearestDc#1fb33026}: {@code nearestDc country this_dc nearest_dc} with the
 * configured country and this DC as both this_dc and nearest_dc (a single-DC server has no other
 * DC to point at). No GeoIP lookup. Runs on the event loop.
 */
public final class HelpGetNearestDcHandler implements BuiltInRpcHandler {
    public static final int METHOD = 0x1fb33026;

    private final DcConfig dc;

    public HelpGetNearestDcHandler(DcConfig dc) {
        this.dc = Objects.requireNonNull(dc, "dc");
    }

    @Override
    public Set<Integer> methods() {
        return Set.of(METHOD);
    }

    @Override
    public Execution execution() {
        return Execution.NON_BLOCKING;
    }

    @Override
    public CompletionStage<TlObject> handle(RpcContext ctx, TlFunction request) {
        String c = dc.country();
        int id = dc.dcId();
        TlObject answer = switch (ctx.layer()) {
            case L144 -> new io.mtgate.tl.api.l144.NearestDc(c, id, id);
            case L158 -> new io.mtgate.tl.api.l158.NearestDc(c, id, id);
            case L198 -> new io.mtgate.tl.api.l198.NearestDc(c, id, id);
            case L222 -> new io.mtgate.tl.api.l222.NearestDc(c, id, id);
            case L228 -> new io.mtgate.tl.api.l228.NearestDc(c, id, id);
        };
        return CompletableFuture.completedFuture(answer);
    }
}
