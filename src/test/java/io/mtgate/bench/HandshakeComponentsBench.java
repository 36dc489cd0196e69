package io.mtgate.bench;

import io.mtgate.crypto.Dh;
import io.mtgate.crypto.Pq;
import io.mtgate.crypto.RsaKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The expensive parts of the server's handshake work, single thread, ops/s. {@code SecureRandom} is
 * the platform default ({@code new SecureRandom()}), as the application wires it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeComponentsBench {
    private final SecureRandom rnd = new SecureRandom();
    private RsaKey key;
    private byte[][] ciphertexts;
    private BigInteger a;
    private BigInteger gB;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        key = RsaKey.generate(HandshakeTranscripts.seeded(42), 2048);
        ciphertexts = new byte[64][];
        for (int i = 0; i < ciphertexts.length; i++) {
            byte[] data = new byte[100];
            rnd.nextBytes(data);
            ciphertexts[i] = HandshakeTranscripts.encryptRsaPad(rnd, key.modulus(), key.publicExponent(), data);
        }
        a = Dh.generate(rnd).a();
        gB = Dh.generate(rnd).gA();
    }

    /** RSA-2048 private operation on an RSA_PAD ciphertext (RsaKey.decryptRaw). */
    @Benchmark
    public byte[] rsaDecryptRaw() throws Exception {
        byte[] c = ciphertexts[next];
        next = (next + 1) & 63;
        return key.decryptRaw(c);
    }

    /** g_b^a mod p, 2048-bit exponent: the server's auth_key (Dh.computeAuthKey). */
    @Benchmark
    public byte[] dhAuthKey() {
        return Dh.computeAuthKey(a, gB);
    }

    /** A fresh a and 3^a mod p (Dh.generate): the on-demand DH pair. */
    @Benchmark
    public Dh.KeyPair dhGenerate() {
        return Dh.generate(rnd);
    }

    /** The resPQ proof of work: two random 31-bit primes (Pq.generate). */
    @Benchmark
    public Pq pqGenerate() {
        return Pq.generate(rnd);
    }
}
