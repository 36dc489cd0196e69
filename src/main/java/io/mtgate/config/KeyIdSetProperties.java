package io.mtgate.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The in-memory set of every permanent auth_key_id (8 bytes per key), under {@code mtgate.key-ids}.
 *
 * @param refreshInterval             the set is reloaded from the database this often regardless
 * @param maxUntrustedMissesPerSecond while the set may be stale (Redis invalidations missed), lookups
 *                                    of ids outside it that may go to the database per second
 */
@Validated
@ConfigurationProperties("mtgate.key-ids")
public record KeyIdSetProperties(
        @NotNull @DefaultValue("10m") Duration refreshInterval,
        @Min(0) @DefaultValue("200") int maxUntrustedMissesPerSecond) {
}
