package io.mtgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtgate.transport.HttpSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** {@code mtgate.http.*}: defaults, what reaches the transport, refusals at binding. */
class HttpPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({HttpProperties.class, SessionProperties.class})
    static class Props {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Props.class);

    @Test
    void defaultsReachTheTransportWithTheHoldBehindTheSessionsMaxHttpWait() {
        runner.run(ctx -> {
            HttpSettings s = GatewayConfiguration.httpSettings(ctx.getBean(HttpProperties.class),
                    ctx.getBean(SessionProperties.class));
            assertThat(s).isEqualTo(new HttpSettings(8192, 16, Duration.ofSeconds(70), Duration.ofSeconds(75), "*",
                    List.of("/api", "/apiw1")));
        });
        runner.withPropertyValues("mtgate.session.max-http-wait=30s", "mtgate.http.hold-margin=5s",
                "mtgate.http.cors-allow-origin=https://web.example", "mtgate.http.paths=/api",
                "mtgate.http.max-header-size=16KB", "mtgate.http.max-pipelined-requests=4",
                "mtgate.http.idle-timeout=2m").run(ctx -> {
                    HttpSettings s = GatewayConfiguration.httpSettings(ctx.getBean(HttpProperties.class),
                            ctx.getBean(SessionProperties.class));
                    assertThat(s).isEqualTo(new HttpSettings(16384, 4, Duration.ofSeconds(35), Duration.ofMinutes(2),
                            "https://web.example", List.of("/api")));
                });
        runner.withPropertyValues("mtgate.http.cors-allow-origin=").run(ctx ->
                assertThat(ctx.getBean(HttpProperties.class).corsAllowOrigin()).isEmpty());
    }

    @Test
    void refusals() {
        for (String bad : new String[] {"mtgate.http.cors-allow-origin=a b", "mtgate.http.paths=api",
                "mtgate.http.paths=/a?b", "mtgate.http.max-pipelined-requests=0", "mtgate.http.hold-margin=0s",
                "mtgate.http.idle-timeout=0s"}) {
            runner.withPropertyValues(bad).run(ctx -> {
                assertThat(ctx).as(bad).hasFailed();
                assertThat(ctx.getStartupFailure()).as(bad).hasStackTraceContaining("mtgate.http");
            });
        }
        runner.withPropertyValues("mtgate.http.max-header-size=100B").run(ctx ->
                assertThatThrownBy(() -> GatewayConfiguration.httpSettings(ctx.getBean(HttpProperties.class),
                        ctx.getBean(SessionProperties.class))).hasMessageContaining("mtgate.http.max-header-size"));
    }
}
