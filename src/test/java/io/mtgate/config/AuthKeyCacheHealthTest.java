package io.mtgate.config;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.BindingLoadingStore;
import io.mtgate.authkey.RedisTestServer;
import io.mtgate.authkey.SharedTempKeyBindings;
import io.mtgate.authkey.TempKeyBindings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole application with the Redis tier on a private redis-server, read through
 * {@code GET /actuator/health}: UP with Redis; when Redis is killed the application stays UP (HTTP 200)
 * while {@code authKeyCache} reports DEGRADED, "serving from the database"; and it comes back by
 * itself when Redis does. The database has its own component.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AuthKeyCacheHealthTest {
    static final RedisTestServer REDIS = RedisTestServer.start();

    @LocalServerPort
    int port;

    @Autowired
    TempKeyBindings bindings;

    @Autowired
    AuthKeyStore store;

    /** With Redis on, the application binds temporary keys in the shared tier and loads bindings with keys. */
    @Test
    void redisOnWiresSharedBindings() {
        assertThat(bindings).isInstanceOf(SharedTempKeyBindings.class);
        assertThat(store).isInstanceOf(BindingLoadingStore.class);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dir = Files.createTempDirectory("mtgate-health-");
        registry.add("mtgate.data-dir", dir::toString);
        registry.add("mtgate.tcp.host", () -> "127.0.0.1");
        registry.add("mtgate.tcp.port", () -> "0");
        registry.add("mtgate.handshake.precomputed-dh-pairs", () -> "0");
        registry.add("mtgate.redis.enabled", () -> "true");
        registry.add("mtgate.redis.value-secret", () -> "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        registry.add("spring.data.redis.host", () -> "127.0.0.1");
        registry.add("spring.data.redis.port", () -> Integer.toString(REDIS.port));
        registry.add("spring.data.redis.timeout", () -> "1s");
        registry.add("management.endpoint.health.show-details", () -> "always");
    }

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    private record Reply(int code, JsonNode body) {
        String status(String component) {
            return component == null ? body.get("status").asString()
                    : body.get("components").get(component).get("status").asString();
        }
    }

    private Reply health() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), new ObjectMapper().readTree(r.body()));
    }

    private Reply awaitComponent(String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Reply r = health();
        while (!r.status("authKeyCache").equals(status)) {
            assertThat(System.nanoTime()).as("authKeyCache never became " + status + ": " + r.body()).isLessThan(deadline);
            Thread.sleep(200);
            r = health();
        }
        return r;
    }

    @Test
    void redisAwayIsDegradedNotDown_andRecovers() throws Exception {
        Reply up = awaitComponent("UP");
        assertThat(up.code()).isEqualTo(200);
        assertThat(up.status(null)).isEqualTo("UP");
        assertThat(up.status("db")).isEqualTo("UP");
        assertThat(up.body().get("components").get("authKeyCache").get("details").get("redis").asString()).isEqualTo("up");
        assertThat(up.body().get("components").has("redis")).as("Boot's own Redis check is off").isFalse();

        REDIS.stop();
        Reply degraded = awaitComponent("DEGRADED");
        assertThat(degraded.code()).isEqualTo(200);
        assertThat(degraded.status(null)).isEqualTo("UP");
        assertThat(degraded.body().get("components").get("authKeyCache").get("details").get("redis").asString())
                .isEqualTo("degraded, serving from the database");

        REDIS.restart();
        assertThat(awaitComponent("UP").status(null)).isEqualTo("UP");
    }
}
