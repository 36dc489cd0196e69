package io.mtgate.bench;

import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.handshake.HandshakeSession;
import io.mtgate.handshake.PrecomputedDhKeys;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Server-side cost of one complete auth-key handshake, single thread, handshakes/s.
 *
 * <p>The measured region is exactly the server's work for one connection: a new
 * {@link HandshakeSession}, req_pq_multi -> resPQ, req_DH_params -> server_DH_params_ok (RSA
 * decryption, DH pair, AES-IGE), set_client_DH_params -> StoreKey (g_b^a mod p) and
 * onKeyStored(SAVED) -> dh_gen_ok. The client's messages are replayed from transcripts recorded in
 * {@code @Setup} (see {@link HandshakeTranscripts} for why the replay is exact); the server's
 * SecureRandom is a fresh SHA1PRNG with the transcript's seed, created in the per-invocation setup
 * (not measured), so the server draws the same server_nonce and pq as when the transcript was
 * recorded. Storage itself is not included (the adapter persists keys off the event loop).
 *
 * <ul>
 *   <li>{@code dh=onDemand}: {@link DhKeySource#onDemand}: the server computes a fresh (a, 3^a mod p)
 *       inside req_DH_params, as with {@code mtgate.handshake.precomputed-dh-pairs=0}.
 *   <li>{@code dh=precomputed}: a {@link PrecomputedDhKeys} pool, refilled outside the measured
 *       region whenever it runs empty (in production its own background thread does this, i.e.
 *       that modexp is spent off the request path, but it is still CPU: see docs/PERFORMANCE.md).
 * </ul>
 * Each pair is used once; the auth key computed is a fresh one every time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBench {
    static final int TRANSCRIPTS = 128;

    @Param({"onDemand", "precomputed"})
    public String dh;

    private HandshakeConfig config;
    private HandshakeTranscripts.Transcript[] transcripts;
    private DhKeySource dhSource;
    private PrecomputedDhKeys pool;
    private int next;
    // per invocation
    private HandshakeTranscripts.Transcript current;
    private SecureRandom serverRandom;

    @Setup(Level.Trial)
    public void setUp() {
        RsaKey key = RsaKey.generate(HandshakeTranscripts.seeded(42), 2048);
        config = HandshakeTranscripts.config(key);
        transcripts = HandshakeTranscripts.record(key, TRANSCRIPTS, 1000);
        SecureRandom dhRandom = new SecureRandom();
        if (dh.equals("precomputed")) {
            pool = new PrecomputedDhKeys(dhRandom, 256);
            pool.refill();
            dhSource = pool;
        } else {
            dhSource = DhKeySource.onDemand(dhRandom);
        }
    }

    @Setup(Level.Invocation)
    public void nextTranscript() {
        current = transcripts[next];
        next = (next + 1) % transcripts.length;
        serverRandom = HandshakeTranscripts.seeded(current.seed());
        if (pool != null && pool.available() == 0) {
            pool.refill();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.close();
        }
    }

    /** One complete handshake, server side only; returns the dh_gen_ok payload. */
    @Benchmark
    public byte[] handshake() {
        HandshakeSession s = new HandshakeSession(config, dhSource, serverRandom, InstantSource.system());
        return HandshakeTranscripts.serverSide(s, current);
    }
}
