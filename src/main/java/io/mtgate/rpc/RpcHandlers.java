package io.mtgate.rpc;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Method id to handler. Built from every handler bean: an application handler replaces a
 * {@link BuiltInRpcHandler} for the same method; two application handlers (or two built-ins)
 * claiming one method is a configuration error reported at start-up.
 */
public final class RpcHandlers {
    private final Map<Integer, RpcMethodHandler> byMethod;

    private RpcHandlers(Map<Integer, RpcMethodHandler> byMethod) {
        this.byMethod = Map.copyOf(byMethod);
    }

    /** @throws IllegalStateException when two handlers of the same kind claim one method */
    public static RpcHandlers of(Collection<? extends RpcMethodHandler> handlers) {
        Map<Integer, RpcMethodHandler> map = new HashMap<>();
        for (RpcMethodHandler h : handlers) {
            for (int id : h.methods()) {
                RpcMethodHandler old = map.get(id);
                if (old == null || (old instanceof BuiltInRpcHandler && !(h instanceof BuiltInRpcHandler))) {
                    map.put(id, h);
                } else if (!(h instanceof BuiltInRpcHandler) || old instanceof BuiltInRpcHandler) {
                    throw new IllegalStateException("method " + Integer.toHexString(id) + " is served by both "
                            + old.getClass().getName() + " and " + h.getClass().getName());
                }
                // else: h is built-in and old is an application handler: the application wins
            }
        }
        return new RpcHandlers(map);
    }

    public Optional<RpcMethodHandler> forMethod(int constructorId) {
        return Optional.ofNullable(byMethod.get(constructorId));
    }

    /** Number of methods served. */
    public int size() {
        return byMethod.size();
    }
}
