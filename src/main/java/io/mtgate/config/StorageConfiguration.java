package io.mtgate.config;

import io.mtgate.authkey.AuthKeyStorage;
import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.BindingLoadingStore;
import io.mtgate.authkey.SharedTempKeyBindings;
import io.mtgate.authkey.TempKeyBindings;
import io.mtgate.authkey.InMemoryTemporaryKeys;
import io.mtgate.authkey.RedisOps;
import io.mtgate.authkey.SharedKeyCodec;
import io.mtgate.authkey.redis.LettuceTuning;
import io.mtgate.authkey.redis.SpringRedisOps;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * The key store: this node's memory, the permanent id set, Redis when {@code mtgate.redis.enabled},
 * the database. See {@link AuthKeyStorage}.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {
    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    /** Loads the id set from the database, so it runs after the Flyway migration. */
    @Bean
    @DependsOnDatabaseInitialization
    AuthKeyStorage mtgateAuthKeyStorage(GatewayProperties props, KeyIdSetProperties idProps,
            RedisTierProperties redisProps, DataSource dataSource, InMemoryTemporaryKeys temporaryKeys, Clock clock,
            SecureRandom random, ObjectProvider<RedisOps> redisOps) {
        GatewayProperties.KeyCache c = props.keyCache();
        AuthKeyStorage.Settings settings = new AuthKeyStorage.Settings(c.maxKeys(), c.ttl(), c.maxUnknown(),
                c.negativeTtl(), idProps.refreshInterval(), idProps.maxUntrustedMissesPerSecond());
        AuthKeyStorage.SharedTier tier = null;
        if (redisProps.enabled()) {
            byte[] secret = redisProps.valueSecret() == null || redisProps.valueSecret().isBlank() ? null
                    : Base64.getDecoder().decode(redisProps.valueSecret().trim());
            if (secret == null) {
                log.warn("mtgate.redis.value-secret is not set: auth key bodies are stored in Redis unencrypted;"
                        + " Redis must be as private as the database");
            }
            tier = new AuthKeyStorage.SharedTier(redisOps.getObject(), new SharedKeyCodec(secret, random),
                    redisProps.keyPrefix(), redisProps.keyTtl(), redisProps.negativeTtl(), redisProps.retryAfter(),
                    redisProps.staleAfter(), redisProps.tempIdRefreshInterval(),
                    redisProps.unannouncedTempChecksPerSecond());
        }
        return new AuthKeyStorage(dataSource, temporaryKeys, clock, settings, tier).start();
    }

    /** With shared bindings, a temporary key found at connection start brings its binding along. */
    @Bean
    AuthKeyStore mtgateAuthKeyStore(AuthKeyStorage storage, ObjectProvider<TempKeyBindings> bindings) {
        return bindings.getIfAvailable() instanceof SharedTempKeyBindings shared
                ? new BindingLoadingStore(storage.store(), shared) : storage.store();
    }

    /** Heartbeat of the invalidation channel and the periodic reload of the id set. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService mtgateStorageMaintenance(AuthKeyStorage storage) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mtgate-storage-maintenance");
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(() -> {
            try {
                storage.maintain();
            } catch (RuntimeException e) {
                log.warn("key storage maintenance failed: {}", e.toString());
            }
        }, 0, 1, TimeUnit.SECONDS);
        return s;
    }

    @Bean
    AuthKeyCacheHealthIndicator authKeyCacheHealthIndicator(AuthKeyStorage storage) {
        return new AuthKeyCacheHealthIndicator(storage);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "mtgate.redis.enabled", havingValue = "true")
    static class RedisTier {
        @Bean
        RedisMessageListenerContainer mtgateRedisListeners(RedisConnectionFactory factory) {
            RedisMessageListenerContainer c = new RedisMessageListenerContainer();
            c.setConnectionFactory(factory);
            c.setRecoveryBackoff(LettuceTuning.resubscribeBackOff());
            return c;
        }

        @Bean
        RedisOps mtgateRedisOps(StringRedisTemplate template, RedisMessageListenerContainer mtgateRedisListeners) {
            return new SpringRedisOps(template, mtgateRedisListeners);
        }

        @Bean
        LettuceClientOptionsBuilderCustomizer mtgateLettuceOptions() {
            return LettuceTuning::apply;
        }

        @Bean
        ClientResourcesBuilderCustomizer mtgateLettuceReconnect() {
            return builder -> builder.reconnectDelay(LettuceTuning.reconnectDelay());
        }
    }
}
