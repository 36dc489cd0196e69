package io.mtgate.config;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.AuthKeyStorage;
import io.mtgate.authkey.InMemoryTempKeyBindings;
import io.mtgate.authkey.TempKeyBindings;
import io.mtgate.rpc.ApiLayer;
import io.mtgate.rpc.AuthsRepository;
import io.mtgate.rpc.ClientLayers;
import io.mtgate.rpc.JdbcAuthsRepository;
import io.mtgate.rpc.PreLoginAllowList;
import io.mtgate.rpc.RpcAuthorizationPolicy;
import io.mtgate.rpc.RpcDispatcher;
import io.mtgate.rpc.RpcEvents;
import io.mtgate.rpc.RpcHandlers;
import io.mtgate.rpc.RpcMethodHandler;
import io.mtgate.rpc.RpcSettings;
import io.mtgate.rpc.builtin.BindTempAuthKeyHandler;
import io.mtgate.rpc.builtin.DcConfig;
import io.mtgate.rpc.builtin.HelpGetConfigHandler;
import io.mtgate.rpc.builtin.HelpGetNearestDcHandler;
import io.mtgate.server.GatewayEvents;
import io.mtgate.server.GatewayServer;
import io.mtgate.tl.TlLimits;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the RPC layer: the {@link RpcDispatcher} (bean {@code mtgateRpcInvoker}, the session
 * layer's {@code RpcInvoker}), its handlers and stores.
 *
 * <p>Extension points: every {@link RpcMethodHandler} bean is served (one for a method a built-in
 * handler serves replaces it); one {@link RpcAuthorizationPolicy} bean replaces
 * {@link PreLoginAllowList#standard()}.
 */
@Configuration(proxyBeanMethods = false)
public class RpcConfiguration {

    @Bean(destroyMethod = "shutdown")
    ExecutorService mtgateRpcExecutor(RpcProperties props) {
        AtomicInteger n = new AtomicInteger();
        // Bounded queue: when handlers cannot keep up, clients get FLOOD_WAIT_1 instead of a backlog.
        return new ThreadPoolExecutor(props.threads(), props.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(props.queue()), r -> {
                    Thread t = new Thread(r, "mtgate-rpc-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** In memory; with mtgate.redis.enabled shared by every node, the memory being this node's mirror. */
    @Bean
    TempKeyBindings mtgateTempKeyBindings(RpcProperties props, Clock clock,
            @Qualifier("mtgateTemporaryKeyPurger") ScheduledExecutorService purger,
            ObjectProvider<AuthKeyStorage> storage) {
        InMemoryTempKeyBindings bindings = new InMemoryTempKeyBindings(clock, props.maxTempKeyBindings());
        purger.scheduleWithFixedDelay(bindings::purgeExpired, 1, 1, TimeUnit.MINUTES);
        AuthKeyStorage s = storage.getIfAvailable(); // absent when the RPC layer runs over another key store
        return s == null ? bindings : s.shareBindings(bindings);
    }

    @Bean
    AuthsRepository mtgateAuthsRepository(DataSource dataSource) {
        return new JdbcAuthsRepository(dataSource);
    }

    @Bean
    ClientLayers mtgateClientLayers(RpcProperties props, AuthsRepository repository,
            @Qualifier("mtgateRpcExecutor") ExecutorService executor, Clock clock) {
        return new ClientLayers(repository, executor, clock, props.knownKeys(), props.knownKeyIdleTtl());
    }

    @Bean
    DcConfig mtgateDcConfig(GatewayProperties gateway, RpcProperties props) {
        RpcProperties.Dc dc = props.dc();
        DcConfig.Limits t = DcConfig.Limits.TELEGRAM;
        DcConfig.Limits limits = new DcConfig.Limits(dc.chatSizeMax(), dc.megagroupSizeMax(), t.forwardedCountMax(),
                dc.messageLengthMax(), dc.captionLengthMax(), t.editTimeLimit(), t.revokeTimeLimit(),
                t.revokePmTimeLimit(), t.stickersRecentLimit(), t.savedGifsLimit(), t.pinnedDialogsCountMax(),
                t.pinnedInfolderCountMax());
        int port = dc.port() != 0 ? dc.port() : gateway.tcp().port();
        return new DcConfig(gateway.dcId(), dc.address(), port, dc.country(), dc.testMode(), dc.configExpires(),
                limits, dc.meUrlPrefix());
    }

    @Bean
    HelpGetConfigHandler mtgateHelpGetConfigHandler(DcConfig dc, Clock clock, ObjectProvider<GatewayServer> server) {
        // mtgate.tcp.port=0 (an ephemeral port): announce the port the listener got.
        return new HelpGetConfigHandler(dc, clock, () -> server.getObject().boundPort());
    }

    @Bean
    HelpGetNearestDcHandler mtgateHelpGetNearestDcHandler(DcConfig dc) {
        return new HelpGetNearestDcHandler(dc);
    }

    @Bean
    BindTempAuthKeyHandler mtgateBindTempAuthKeyHandler(AuthKeyStore store, TempKeyBindings bindings,
            Clock clock) {
        return new BindTempAuthKeyHandler(store, bindings, clock);
    }

    @Bean
    RpcHandlers mtgateRpcHandlers(List<RpcMethodHandler> handlers) {
        return RpcHandlers.of(handlers);
    }

    @Bean
    RpcDispatcher mtgateRpcInvoker(RpcProperties props, RpcHandlers handlers,
            ObjectProvider<RpcAuthorizationPolicy> policy, TempKeyBindings bindings, ClientLayers clients,
            @Qualifier("mtgateRpcExecutor") ExecutorService executor, ObjectProvider<GatewayEvents> events) {
        ApiLayer defaultLayer = ApiLayer.exactly(props.defaultLayer()).orElseThrow(() -> new IllegalArgumentException(
                "mtgate.rpc.default-layer must be one of 144, 158, 198, 222, 228, got " + props.defaultLayer()));
        RpcSettings settings = new RpcSettings(props.waitTimeout(), defaultLayer, TlLimits.DEFAULT,
                Math.toIntExact(props.maxUnpackedSize().toBytes()));
        ApiLayer.preloadInBackground();
        // the metrics adapter implements RpcEvents too (as SessionConfiguration does for SessionEvents)
        RpcEvents rpcEvents = events.getIfAvailable() instanceof RpcEvents re ? re : RpcEvents.NONE;
        return new RpcDispatcher(handlers, policy.getIfAvailable(PreLoginAllowList::standard), bindings, clients,
                executor, settings, rpcEvents);
    }
}
