package io.mtgate.config;

import io.mtgate.server.NetTransport;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything an operator sets for the MTProto edge, under the {@code mtgate.} prefix. Every
 * value has a default so that {@code java -jar} runs with no configuration at all.
 *
 * @param dataDir where the embedded database and a generated RSA key live
 * @param dcId the id of the data centre this gateway serves (checked in p_q_inner_data_dc)
 */
@Validated
@ConfigurationProperties("mtgate")
public record GatewayProperties(
        @NotNull @DefaultValue("./data") Path dataDir,
        @Min(1) @Max(9999) @DefaultValue("2") int dcId,
        @Valid @NotNull @DefaultValue Tcp tcp,
        @Valid @NotNull @DefaultValue Rsa rsa,
        @Valid @NotNull @DefaultValue Handshake handshake,
        @Valid @NotNull @DefaultValue TempKeys tempKeys,
        @Valid @NotNull @DefaultValue KeyCache keyCache) {

    /**
     * The TCP listener that accepts every TCP transport (detected from the first bytes).
     *
     * @param host address to bind
     * @param port client port (Teamgram's default 10443)
     * @param maxFrameSize largest inbound frame; a larger declared length closes the connection
     * @param handshakeTimeout a connection that sends no complete frame within this is closed
     * @param frameStallTimeout a connection stalled inside a frame for this long is closed
     * @param mtproxySecrets optional 16-byte MTProxy secrets (32 hex digits; a 34-digit
     *                       {@code dd}-prefixed secret is accepted too) for obfuscated2
     * @param maxConnectionsPerAddress new connections one client address may open per
     *                       {@code connectionRateWindow}; beyond it the client gets transport error
     *                       -429 and is closed. 0 (the default) disables the limit: clients behind
     *                       one NAT address would share it
     * @param connectionRateWindow the window of {@code maxConnectionsPerAddress}
     * @param eventLoops threads that run the MTProto connections (epoll when available); 0 (the
     *                       default) means one per available processor. reactor-netty's own default
     *                       is at least 4, which on a 2-core machine only adds context switches
     * @param transport the kernel interface of those loops: {@code auto} (the default: io_uring,
     *                       else epoll, else NIO, whichever is available first), {@code io_uring},
     *                       {@code epoll} or {@code nio}; one named but unavailable fails the start
     */
    public record Tcp(
            @NotBlank @DefaultValue("0.0.0.0") String host,
            @Min(0) @Max(65535) @DefaultValue("10443") int port,
            @NotNull @DefaultValue("1MB") DataSize maxFrameSize,
            @NotNull @DefaultValue("30s") Duration handshakeTimeout,
            @NotNull @DefaultValue("30s") Duration frameStallTimeout,
            @NotNull @DefaultValue List<String> mtproxySecrets,
            @Min(0) @DefaultValue("0") int maxConnectionsPerAddress,
            @NotNull @DefaultValue("10s") Duration connectionRateWindow,
            @Min(0) @Max(1024) @DefaultValue("0") int eventLoops,
            @NotNull @DefaultValue("auto") NetTransport transport) {

        /** {@link #eventLoops} with the default applied. */
        public int eventLoopCount() {
            return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * @param keyFiles PEM private keys (PKCS#1 or PKCS#8). Empty means {@code <dataDir>/rsa/server.pem}.
     *                 A file that does not exist is generated (2048 bits) at start-up.
     */
    public record Rsa(@NotNull @DefaultValue List<Path> keyFiles) {
    }

    /**
     * @param maxTempKeyLifetime the largest {@code expires_in} accepted for a temporary key
     * @param forgetAfter an unfinished handshake is forgotten after this long
     * @param maxConcurrentAttempts handshakes one connection may run at once
     * @param precomputedDhPairs DH pairs kept ready off the request path (0 = compute on demand)
     * @param storeThreads threads that write new keys to the database (never the event loop)
     */
    public record Handshake(
            @NotNull @DefaultValue("1d") Duration maxTempKeyLifetime,
            @NotNull @DefaultValue("10m") Duration forgetAfter,
            @Min(1) @Max(64) @DefaultValue("8") int maxConcurrentAttempts,
            @Min(0) @Max(100000) @DefaultValue("64") int precomputedDhPairs,
            @Min(1) @Max(256) @DefaultValue("4") int storeThreads) {
    }

    /** @param maxCount temporary keys kept in memory at most; beyond it new temp keys are refused */
    public record TempKeys(@Min(1) @DefaultValue("1000000") int maxCount) {
    }

    /**
     * The in-process cache in front of the key database.
     *
     * @param maxKeys known keys kept in memory (about 0.5 KiB each)
     * @param ttl how long a known key is served from memory
     * @param maxUnknown unknown auth_key_ids remembered, so floods of made-up ids skip the database
     * @param negativeTtl how long an unknown id is remembered (a key created here clears it at once)
     */
    public record KeyCache(
            @Min(0) @DefaultValue("100000") int maxKeys,
            @NotNull @DefaultValue("10m") Duration ttl,
            @Min(0) @DefaultValue("100000") int maxUnknown,
            @NotNull @DefaultValue("30s") Duration negativeTtl) {
    }

    /** The key files to load, with the default applied. */
    public List<Path> rsaKeyFiles() {
        return rsa.keyFiles().isEmpty() ? List.of(dataDir.resolve("rsa").resolve("server.pem")) : rsa.keyFiles();
    }
}
