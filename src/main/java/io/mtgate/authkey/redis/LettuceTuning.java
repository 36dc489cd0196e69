package io.mtgate.authkey.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Lettuce settings for a cache that must never stall the gateway: while disconnected, commands are
 * rejected at once (Lettuce's default queues them until the command timeout); reconnection is
 * retried every 100 ms up to 1 s apart (Lettuce's default backs off to 30 s, which would keep the
 * tier degraded long after Redis is back). The application applies these through Spring Boot's
 * customizers; tests build the same client with {@link #connect}.
 */
public final class LettuceTuning {
    private LettuceTuning() {
    }

    public static ClientOptions.Builder apply(ClientOptions.Builder options) {
        return options.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled());
    }

    public static Delay reconnectDelay() {
        return Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Resubscription after Redis comes back: every 500 ms. */
    public static FixedBackOff resubscribeBackOff() {
        return new FixedBackOff(500, FixedBackOff.UNLIMITED_ATTEMPTS);
    }

    /** A started connection factory, template and listener container for host:port (tests, benchmarks). */
    public record Client(LettuceConnectionFactory factory, StringRedisTemplate template,
                         RedisMessageListenerContainer listeners, ClientResources resources) implements AutoCloseable {
        public SpringRedisOps ops() {
            return new SpringRedisOps(template, listeners);
        }

        @Override
        public void close() {
            try {
                listeners.destroy();
            } catch (Exception e) {
                // closing anyway
            }
            factory.destroy();
            resources.shutdown(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    public static Client connect(String host, int port, Duration commandTimeout) {
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(reconnectDelay()).build();
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .commandTimeout(commandTimeout)
                .clientOptions(apply(ClientOptions.builder()).build())
                .clientResources(resources)
                .build();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port), client);
        factory.afterPropertiesSet();
        factory.start();
        StringRedisTemplate template = new StringRedisTemplate(factory);
        template.afterPropertiesSet();
        RedisMessageListenerContainer listeners = new RedisMessageListenerContainer();
        listeners.setConnectionFactory(factory);
        listeners.setRecoveryBackoff(resubscribeBackOff());
        listeners.afterPropertiesSet();
        listeners.start();
        return new Client(factory, template, listeners, resources);
    }
}
