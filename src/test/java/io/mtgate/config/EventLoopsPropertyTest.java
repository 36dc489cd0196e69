package io.mtgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** {@code mtgate.tcp.event-loops}: 0 means one loop per processor; negative values are refused. */
class EventLoopsPropertyTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(GatewayProperties.class)
    static class Props {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Props.class);

    @Test
    void defaultsToOneLoopPerProcessor() {
        runner.run(ctx -> {
            GatewayProperties.Tcp tcp = ctx.getBean(GatewayProperties.class).tcp();
            assertThat(tcp.eventLoops()).isZero();
            assertThat(tcp.eventLoopCount()).isEqualTo(Runtime.getRuntime().availableProcessors());
        });
    }

    @Test
    void anExplicitCountIsUsed() {
        runner.withPropertyValues("mtgate.tcp.event-loops=3")
                .run(ctx -> assertThat(ctx.getBean(GatewayProperties.class).tcp().eventLoopCount()).isEqualTo(3));
    }

    @Test
    void aNegativeCountIsRefused() {
        runner.withPropertyValues("mtgate.tcp.event-loops=-1")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).hasStackTraceContaining("eventLoops");
                });
    }
}
