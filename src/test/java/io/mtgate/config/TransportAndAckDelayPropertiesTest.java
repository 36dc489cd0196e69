package io.mtgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.server.NetTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** {@code mtgate.tcp.transport} and {@code mtgate.session.ack-delay}: defaults, spellings, refusals. */
class TransportAndAckDelayPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({GatewayProperties.class, SessionProperties.class})
    static class Props {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Props.class);

    @Test
    void defaults() {
        runner.run(ctx -> {
            assertThat(ctx.getBean(GatewayProperties.class).tcp().transport()).isEqualTo(NetTransport.AUTO);
            assertThat(ctx.getBean(SessionProperties.class).ackDelay()).isEqualTo(Duration.ofMillis(200));
        });
    }

    @Test
    void transportSpellingsAnOperatorWouldWrite() {
        for (String spelling : new String[] {"io_uring", "io-uring", "IO_URING"}) {
            runner.withPropertyValues("mtgate.tcp.transport=" + spelling).run(ctx ->
                    assertThat(ctx.getBean(GatewayProperties.class).tcp().transport()).isEqualTo(NetTransport.IO_URING));
        }
        runner.withPropertyValues("mtgate.tcp.transport=epoll").run(ctx ->
                assertThat(ctx.getBean(GatewayProperties.class).tcp().transport()).isEqualTo(NetTransport.EPOLL));
        runner.withPropertyValues("mtgate.tcp.transport=kqueue").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).hasStackTraceContaining("mtgate.tcp.transport");
        });
    }

    @Test
    void ackDelayZeroIsAllowedAndMoreThanAMinuteOrNegativeIsRefused() {
        runner.withPropertyValues("mtgate.session.ack-delay=0").run(ctx ->
                assertThat(ctx.getBean(SessionProperties.class).ackDelay()).isZero());
        for (String bad : new String[] {"2m", "-1ms"}) {
            runner.withPropertyValues("mtgate.session.ack-delay=" + bad).run(ctx -> {
                assertThat(ctx).hasFailed();
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("ackDelay");
            });
        }
    }
}
