package io.mtgate.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.InMemoryTemporaryKeys;
import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.handshake.PrecomputedDhKeys;
import io.mtgate.metrics.MicrometerGatewayEvents;
import io.mtgate.server.ConnectionRateLimiter;
import io.mtgate.server.GatewayEvents;
import io.mtgate.server.GatewayServer;
import io.mtgate.server.HandshakeServices;
import io.mtgate.transport.HttpSettings;
import io.mtgate.transport.TransportSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the protocol core (which knows nothing of Spring) into the application. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    @Bean
    Clock mtgateClock() {
        return Clock.systemUTC();
    }

    @Bean
    SecureRandom mtgateSecureRandom() {
        return new SecureRandom();
    }

    @Bean
    List<RsaKey> mtgateRsaKeys(GatewayProperties props, SecureRandom random) {
        return RsaKeyProvisioner.loadOrGenerate(props.rsaKeyFiles(), random);
    }

    @Bean
    InMemoryTemporaryKeys mtgateTemporaryKeys(GatewayProperties props, Clock clock) {
        return new InMemoryTemporaryKeys(clock, props.tempKeys().maxCount());
    }

    /** Expired temporary keys are also dropped on lookup; this frees their memory promptly. */
    @Bean(destroyMethod = "shutdownNow")
    java.util.concurrent.ScheduledExecutorService mtgateTemporaryKeyPurger(InMemoryTemporaryKeys temporaryKeys) {
        java.util.concurrent.ScheduledExecutorService purger = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "mtgate-temp-key-purge");
                    t.setDaemon(true);
                    return t;
                });
        purger.scheduleWithFixedDelay(temporaryKeys::purgeExpired, 1, 1, TimeUnit.MINUTES);
        return purger;
    }

    // The key store (mtgateAuthKeyStore) is wired in StorageConfiguration.

    @Bean
    GatewayEvents mtgateEvents(ObjectProvider<MeterRegistry> registry) {
        MeterRegistry r = registry.getIfAvailable();
        return r == null ? GatewayEvents.NONE : new MicrometerGatewayEvents(r);
    }

    /** DH pairs computed ahead, off the request path; closed (its thread stopped) on shutdown. */
    @Bean
    DhKeySource mtgateDhKeys(GatewayProperties props, SecureRandom random) {
        int pairs = props.handshake().precomputedDhPairs();
        return pairs == 0 ? DhKeySource.onDemand(random) : new PrecomputedDhKeys(random, pairs).start();
    }

    @Bean(destroyMethod = "shutdown")
    ExecutorService mtgateKeyStoreExecutor(GatewayProperties props) {
        int threads = props.handshake().storeThreads();
        AtomicInteger n = new AtomicInteger();
        // Bounded queue: when the database cannot keep up, handshakes fail fast instead of piling up.
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096), r -> {
            Thread t = new Thread(r, "mtgate-keystore-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Bean
    HandshakeServices mtgateHandshakeServices(GatewayProperties props, List<RsaKey> rsaKeys, DhKeySource dhKeys,
            SecureRandom random, Clock clock, AuthKeyStore store, ExecutorService mtgateKeyStoreExecutor,
            GatewayEvents events) {
        HandshakeConfig config = new HandshakeConfig(rsaKeys, props.dcId(), props.handshake().maxTempKeyLifetime(),
                props.handshake().forgetAfter(), props.handshake().maxConcurrentAttempts());
        return new HandshakeServices(config, dhKeys, random, clock, store, mtgateKeyStoreExecutor, events);
    }

    @Bean
    TransportSettings mtgateTransportSettings(GatewayProperties props, HttpProperties http, SessionProperties session) {
        GatewayProperties.Tcp tcp = props.tcp();
        List<byte[]> secrets = tcp.mtproxySecrets().stream().map(GatewayConfiguration::parseSecret).toList();
        return new TransportSettings(Math.toIntExact(tcp.maxFrameSize().toBytes()), tcp.handshakeTimeout(),
                tcp.frameStallTimeout(), secrets, props.dcId(), httpSettings(http, session));
    }

    /** The hold backstop sits a margin behind the session's own bound on a held request. */
    static HttpSettings httpSettings(HttpProperties http, SessionProperties session) {
        long header = http.maxHeaderSize().toBytes();
        if (header < HttpSettings.MIN_HEADER_BYTES || header > HttpSettings.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("mtgate.http.max-header-size must be in [256B, 64KB]: " + http.maxHeaderSize());
        }
        return new HttpSettings((int) header, http.maxPipelinedRequests(), session.maxHttpWait().plus(http.holdMargin()),
                http.idleTimeout(), http.corsAllowOrigin(), http.paths());
    }

    /** 32 hex digits, or 34 with the {@code dd} prefix clients use to ask for padded intermediate. */
    static byte[] parseSecret(String hex) {
        String h = hex.trim().toLowerCase(java.util.Locale.ROOT);
        if (h.length() == 34 && (h.startsWith("dd") || h.startsWith("ee"))) {
            h = h.substring(2);
        }
        if (h.length() != 32) {
            throw new IllegalArgumentException("an MTProxy secret must be 32 hex digits (or 34 with a dd prefix)");
        }
        return HexFormat.of().parseHex(h);
    }

    @Bean
    GatewayServer mtgateServer(GatewayProperties props, TransportSettings transport, HandshakeServices services,
            io.mtgate.server.SessionServices sessionServices, Clock clock) {
        // At most 100k addresses are counted per window, a few MiB at worst.
        ConnectionRateLimiter limiter = new ConnectionRateLimiter(props.tcp().maxConnectionsPerAddress(),
                props.tcp().connectionRateWindow(), 100_000, clock);
        return new GatewayServer(props.tcp().host(), props.tcp().port(), transport, services, sessionServices, limiter,
                props.tcp().eventLoopCount(), props.tcp().transport());
    }

    /** Starts the listener once the context is ready and stops it first on shutdown. */
    @Bean
    SmartLifecycle mtgateServerLifecycle(GatewayServer server) {
        return new SmartLifecycle() {
            @Override
            public void start() {
                server.start();
            }

            @Override
            public void stop() {
                server.close();
            }

            @Override
            public boolean isRunning() {
                return server.isRunning();
            }
        };
    }
}
