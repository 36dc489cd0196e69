package io.mtgate.rpc;

import io.mtgate.tl.TlFunction;
import java.util.Optional;
import java.util.Set;

/**
 * The default policy while there is no user system: nobody is logged in, so only methods a client
 * calls before logging in may run; everything else is {@code 401 AUTH_KEY_UNREGISTERED} (what
 * Telegram answers an auth key without a user, and what makes clients start their login flow).
 *
 * <p>{@link #STANDARD}: {@code help.getConfig}, {@code help.getNearestDc},
 * {@code auth.bindTempAuthKey} and {@code help.getAppConfig} (both its layer-144 and later ids) —
 * the calls clients make at start-up, before any login screen.
 */
public final class PreLoginAllowList implements RpcAuthorizationPolicy {
    public static final int HELP_GET_CONFIG = 0xc4f9186b;
    public static final int HELP_GET_NEAREST_DC = 0x1fb33026;
    public static final int AUTH_BIND_TEMP_AUTH_KEY = 0xcdd42a05;
    public static final int HELP_GET_APP_CONFIG_144 = 0x98914110;
    public static final int HELP_GET_APP_CONFIG = 0x61e3f854;

    public static final Set<Integer> STANDARD = Set.of(HELP_GET_CONFIG, HELP_GET_NEAREST_DC, AUTH_BIND_TEMP_AUTH_KEY,
            HELP_GET_APP_CONFIG_144, HELP_GET_APP_CONFIG);

    private final Set<Integer> allowed;

    public PreLoginAllowList(Set<Integer> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    public static PreLoginAllowList standard() {
        return new PreLoginAllowList(STANDARD);
    }

    @Override
    public Optional<RpcError> check(RpcContext ctx, TlFunction request) {
        return allowed.contains(request.constructorId()) ? Optional.empty()
                : Optional.of(RpcError.AUTH_KEY_UNREGISTERED);
    }
}
