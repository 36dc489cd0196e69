package io.mtgate.config;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.server.GatewayEvents;
import io.mtgate.server.SessionServices;
import io.mtgate.session.DerivedSalts;
import io.mtgate.session.InitialSalts;
import io.mtgate.session.KeyLifecycle;
import io.mtgate.session.RpcErrors;
import io.mtgate.session.RpcInvoker;
import io.mtgate.session.SaltSource;
import io.mtgate.session.SessionConfig;
import io.mtgate.session.SessionEvents;
import io.mtgate.session.SessionManager;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of the encrypted-session layer (io.mtgate.session) into the gateway. */
@Configuration(proxyBeanMethods = false)
public class SessionConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SessionConfiguration.class);

    @Bean
    InitialSalts mtgateInitialSalts(SessionProperties props, GatewayProperties gateway) {
        return new InitialSalts(props.salts().initialValidity(), Math.max(10_000, gateway.tempKeys().maxCount()));
    }

    @Bean
    SaltSource mtgateSaltSource(SessionProperties props, GatewayProperties gateway, SecureRandom random,
            InitialSalts initialSalts) {
        SessionProperties.Salts s = props.salts();
        Path file = s.secretFile() != null ? s.secretFile() : gateway.dataDir().resolve("salt-secret");
        byte[] secret = SaltSecretProvisioner.loadOrCreate(file, random);
        return new DerivedSalts(secret, s.period(), s.overlap(), s.earlyAcceptance(), initialSalts);
    }

    /**
     * destroy_auth_key: the key is deleted from the store (and its caches) off the event loop, and
     * its temporary key binding ends, whichever side of it the key was (checklist 2.10).
     */
    @Bean
    KeyLifecycle mtgateKeyLifecycle(AuthKeyStore store, ExecutorService mtgateKeyStoreExecutor, InitialSalts initialSalts,
            ObjectProvider<io.mtgate.authkey.TempKeyBindings> bindings,
            ObjectProvider<io.mtgate.authkey.AuthKeyStorage> storage) {
        return (AuthKeyId id, java.util.function.Consumer<KeyLifecycle.DestroyResult> done) -> {
            try {
                mtgateKeyStoreExecutor.execute(() -> {
                    KeyLifecycle.DestroyResult result;
                    try {
                        result = store.delete(id) ? KeyLifecycle.DestroyResult.DESTROYED : KeyLifecycle.DestroyResult.NONE;
                        initialSalts.forget(id);
                        // A destroyed temporary key no longer speaks for its permanent key, and the
                        // temporary key bound to a destroyed permanent key no longer speaks for it
                        // (on every node). The id does not say which kind it is; the other call finds
                        // nothing.
                        bindings.ifAvailable(b -> {
                            b.unbind(id);
                            b.unbindPermanent(id);
                        });
                        if (result == KeyLifecycle.DestroyResult.DESTROYED) {
                            // the other nodes end their sessions of the key: open connections get -404
                            storage.ifAvailable(s -> s.announceDestroyed(id));
                        }
                    } catch (RuntimeException e) {
                        log.warn("destroy_auth_key: could not delete key {}: {}", id, e.toString());
                        result = KeyLifecycle.DestroyResult.FAILED;
                    }
                    done.accept(result);
                });
            } catch (RejectedExecutionException e) {
                done.accept(KeyLifecycle.DestroyResult.FAILED);
            }
        };
    }

    @Bean
    SessionManager mtgateSessionManager(SessionProperties props, SaltSource salts, ObjectProvider<RpcInvoker> invokers,
            KeyLifecycle lifecycle, GatewayEvents events, Clock clock, SecureRandom random,
            ObjectProvider<io.mtgate.authkey.AuthKeyStorage> storage) {
        SessionConfig config = new SessionConfig(props.replayWindow(), props.maxPast(), props.maxFuture(),
                SessionConfig.DEFAULT.maxContainerMessages(), SessionConfig.DEFAULT.maxVectorIds(),
                Math.toIntExact(props.maxUnpackedSize().toBytes()), props.maxQueuedMessages(),
                SessionConfig.DEFAULT.maxPacketBody(), SessionConfig.DEFAULT.largeAnswer(), props.idleTimeout(),
                props.maxSessionsPerKey(), props.pushQueueTtl(), props.maxPushQueue(), props.maxHttpWait(),
                props.ackDelay());
        RpcInvoker invoker = invokers.getIfAvailable(() -> (call, reply) ->
                reply.complete(RpcErrors.of(400, "INPUT_METHOD_INVALID")));
        SessionEvents sessionEvents = events instanceof SessionEvents se ? se : SessionEvents.NONE;
        SessionManager manager = new SessionManager(config, salts, invoker, lifecycle, sessionEvents, clock, random);
        // a key destroyed on another node: this node's sessions of it end and its connections get -404
        storage.ifAvailable(s -> s.onDestroyedElsewhere(manager::forgetKey));
        return manager;
    }

    /** Pushes are written in the layer the key's client last named (what the RPC layer remembers). */
    @Bean
    io.mtgate.push.ClientLayers mtgatePushLayers(io.mtgate.rpc.ClientLayers layers) {
        return key -> {
            int named = layers.peek(key, null).clientLayer();
            return named == 0 ? java.util.OptionalInt.empty()
                    : io.mtgate.rpc.ApiLayer.forClientLayer(named)
                            .map(l -> java.util.OptionalInt.of(l.number())).orElse(java.util.OptionalInt.empty());
        };
    }

    /** The push API for applications; the RPC layer supplies a {@code ClientLayers} bean when present. */
    @Bean
    io.mtgate.push.PushService mtgatePushService(SessionManager sessions,
            ObjectProvider<io.mtgate.push.ClientLayers> layers) {
        return new io.mtgate.push.PushService(sessions, layers.getIfAvailable(() -> io.mtgate.push.ClientLayers.UNKNOWN), 144);
    }

    @Bean
    SessionServices mtgateSessionServices(SessionManager sessions, InitialSalts initialSalts) {
        return new SessionServices(sessions, initialSalts);
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService mtgateSessionSweeper(SessionManager sessions, SessionProperties props) {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mtgate-session-sweep");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, props.sweepInterval().toMillis());
        ex.scheduleWithFixedDelay(() -> {
            try {
                sessions.sweep();
            } catch (RuntimeException e) {
                log.warn("session sweep failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return ex;
    }
}
