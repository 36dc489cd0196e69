package io.mtgate.config;

import io.mtgate.authkey.AuthKeyStorage;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health component {@code authKeyCache}: the Redis tier and the permanent id set. While Redis is
 * configured but away the status is {@code DEGRADED} ("serving from the database"), which
 * {@code management.endpoint.health.status.order} ranks below UP, so the overall status stays UP:
 * the gateway still answers every lookup. The database has its own component ({@code db}).
 */
public final class AuthKeyCacheHealthIndicator implements HealthIndicator {
    public static final Status DEGRADED = new Status("DEGRADED", "degraded, serving from the database");

    private final AuthKeyStorage storage;

    public AuthKeyCacheHealthIndicator(AuthKeyStorage storage) {
        this.storage = storage;
    }

    @Override
    public Health health() {
        AuthKeyStorage.Health h = storage.health();
        Health.Builder b = h.degraded() ? Health.status(DEGRADED) : Health.up();
        b.withDetail("redis", !h.redisEnabled() ? "disabled"
                : h.degraded() ? "degraded, serving from the database" : "up");
        if (h.redisEnabled()) {
            b.withDetail("redisReachable", h.redisAvailable());
            b.withDetail("invalidationsHeard", h.channelHealthy());
            if (h.redisStateSince() != null) {
                b.withDetail("since", h.redisStateSince().toString());
            }
            if (h.degraded() && !h.lastRedisError().isEmpty()) {
                b.withDetail("lastError", h.lastRedisError());
            }
            b.withDetail("tempKeyIds", h.tempIds());
            b.withDetail("tempKeyIdsTrusted", h.tempIdsTrusted());
            b.withDetail("lookupsAnsweredByTempIdSet", h.tempFilteredLookups());
            b.withDetail("tempKeyLookupsInRedis", h.tempRedisLookups());
        }
        return b.withDetail("keyIds", h.ids())
                .withDetail("keyIdsTrusted", h.idsTrusted())
                .withDetail("lookupsAnsweredByIdSet", h.filteredLookups())
                .withDetail("lookupsAnsweredByRedis", h.redisAnswers())
                .withDetail("lookupsFromDatabase", h.databaseLookups())
                .withDetail("lookupsShed", h.shedLookups())
                .build();
    }
}
