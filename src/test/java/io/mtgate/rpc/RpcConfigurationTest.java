package io.mtgate.rpc;

import io.mtgate.authkey.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.InMemoryAuthKeyStore;
import io.mtgate.config.GatewayProperties;
import io.mtgate.config.RpcConfiguration;
import io.mtgate.config.RpcProperties;
import io.mtgate.session.RpcInvoker;
import io.mtgate.tl.api.l198.HelpGetConfig;
import io.mtgate.tl.api.l198.InvokeWithLayer;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Spring wiring of the RPC layer, with the beans it needs from the rest of the application. */
class RpcConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({GatewayProperties.class, RpcProperties.class})
    static class Needs {
        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        @Bean
        AuthKeyStore store() {
            return new InMemoryAuthKeyStore();
        }

        @Bean(destroyMethod = "close")
        TestDatabase database() {
            return TestDatabase.h2();
        }

        @Bean
        DataSource dataSource(TestDatabase db) {
            return db.dataSource();
        }

        @Bean(destroyMethod = "shutdownNow")
        ScheduledExecutorService mtgateTemporaryKeyPurger() {
            return Executors.newSingleThreadScheduledExecutor();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Application {
        @Bean
        RpcMethodHandler myGetConfig() {
            return RpcDispatcherTest.handler(HelpGetConfig.CONSTRUCTOR_ID, RpcMethodHandler.Execution.NON_BLOCKING,
                    (c, q) -> CompletableFuture.completedFuture(TlBool.FALSE));
        }

        @Bean
        RpcAuthorizationPolicy denyEverything() {
            return (ctx, req) -> Optional.of(new RpcError(403, "NOPE"));
        }
    }

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Needs.class, RpcConfiguration.class)
            .withPropertyValues("mtgate.dc-id=4", "mtgate.tcp.port=12345", "mtgate.rpc.dc.address=10.0.0.4");

    private static RpcTestSupport.Reply getConfig(RpcInvoker invoker) {
        RpcTestSupport.Reply r = new RpcTestSupport.Reply();
        invoker.invoke(RpcTestSupport.call(RpcTestSupport.permKey(1), 8, new InvokeWithLayer(198, new HelpGetConfig()),
                new RpcTestSupport.FakeSession()), r);
        return r;
    }

    @Test
    void builtInsAnswerWithTheConfiguredDc() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).hasBean("mtgateRpcInvoker");
            RpcInvoker invoker = ctx.getBean(RpcInvoker.class);
            io.mtgate.tl.api.l198.Config c = (io.mtgate.tl.api.l198.Config) getConfig(invoker).decode(ApiLayer.L198);
            assertThat(c.thisDc()).isEqualTo(4);
            io.mtgate.tl.api.l198.DcOption o = (io.mtgate.tl.api.l198.DcOption) c.dcOptions().get(0);
            assertThat(o.ipAddress()).isEqualTo("10.0.0.4");
            assertThat(o.port()).isEqualTo(12345);
        });
    }

    @Test
    void applicationBeansReplaceTheBuiltInHandlerAndPolicy() {
        runner.withUserConfiguration(Application.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(getConfig(ctx.getBean(RpcInvoker.class)).error())
                    .contains(RpcTestSupport.err(403, "NOPE"));
        });
        runner.withBean(RpcMethodHandler.class, () -> RpcDispatcherTest.handler(HelpGetConfig.CONSTRUCTOR_ID,
                RpcMethodHandler.Execution.NON_BLOCKING, (c, q) -> CompletableFuture.completedFuture(TlBool.FALSE)))
                .run(ctx -> assertThat(getConfig(ctx.getBean(RpcInvoker.class)).get())
                        .isEqualTo(io.mtgate.tl.Tl.serialize(TlBool.FALSE)));
    }

    @Test
    void theMetricsAdapterTimesEveryQuery() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        runner.withBean(io.mtgate.server.GatewayEvents.class, () -> new io.mtgate.metrics.MicrometerGatewayEvents(registry))
                .run(ctx -> {
                    getConfig(ctx.getBean(RpcInvoker.class)).get();
                    assertThat(registry.find("mtproto.rpc.duration").tags("method", "help.getConfig", "result", "ok")
                            .timer().count()).isEqualTo(1);
                });
    }

    @Test
    void anUnsupportedDefaultLayerStopsTheStart() {
        runner.withPropertyValues("mtgate.rpc.default-layer=200").run(ctx -> assertThat(ctx).hasFailed());
    }
}
