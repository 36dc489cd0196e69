package io.mtgate.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The optional Redis tier of the key store, under {@code mtgate.redis}. The connection itself is
 * Spring Boot's: {@code spring.data.redis.host}, {@code port}, {@code password}, {@code ssl.enabled},
 * {@code timeout} (command timeout), {@code connect-timeout}.
 *
 * @param enabled     off by default: the zero-configuration start needs no Redis
 * @param keyPrefix   prepended to every Redis key and to the invalidation channel's name
 * @param keyTtl      permanent keys stay cached in Redis this long (± 5 %)
 * @param negativeTtl unknown auth_key_ids are remembered in Redis this long
 * @param retryAfter  after a Redis failure, no command is attempted for this long (circuit breaker)
 * @param staleAfter  this node's own heartbeats unheard for this long: invalidations may have been
 *                    missed, the id set is reloaded once they flow again
 * @param tempIdRefreshInterval each node reloads its set of live temporary key ids from Redis this
 *                    often anyway (the invalidation channel keeps it current in between)
 * @param unannouncedTempChecksPerSecond lookups per second and node of ids outside that set that
 *                    still ask Redis (a temporary key made on another node a moment ago); a flood of
 *                    random ids costs Redis at most this many GETs a second per node
 * @param valueSecret optional base64 of 32 bytes shared by all nodes: key bodies in Redis are then
 *                    sealed with AES-256-GCM; without it Redis holds key material in the clear
 */
@Validated
@ConfigurationProperties("mtgate.redis")
public record RedisTierProperties(
        @DefaultValue("false") boolean enabled,
        @NotBlank @DefaultValue("mtgate:") String keyPrefix,
        @NotNull @DefaultValue("7d") Duration keyTtl,
        @NotNull @DefaultValue("1m") Duration negativeTtl,
        @NotNull @DefaultValue("1s") Duration retryAfter,
        @NotNull @DefaultValue("3s") Duration staleAfter,
        @NotNull @DefaultValue("5m") Duration tempIdRefreshInterval,
        @Min(0) @DefaultValue("50") int unannouncedTempChecksPerSecond,
        String valueSecret) {
}
