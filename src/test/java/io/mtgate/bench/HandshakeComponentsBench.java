package io.mtgate.bench;

import io.mtgate.crypto.Dh;
import io.mtgate.crypto.Pq;
import io.mtgate.crypto.RsaKey;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Base64;
import javax.crypto.Cipher;
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
    /** The same key as a JDK PrivateKey, for the JCE reference. */
    private PrivateKey jdkKey;
    private Cipher jdkCipher;
    private byte[][] ciphertexts;
    private BigInteger a;
    private BigInteger gB;
    private BigInteger a256;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), HandshakeTranscripts.seeded(42));
            jdkKey = g.generateKeyPair().getPrivate();
            key = RsaKey.fromPem("-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(jdkKey.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            jdkCipher = Cipher.getInstance("RSA/ECB/NoPadding");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        ciphertexts = new byte[64][];
        for (int i = 0; i < ciphertexts.length; i++) {
            byte[] data = new byte[100];
            rnd.nextBytes(data);
            ciphertexts[i] = new io.mtgate.handshake.TestClient(rnd, key.modulus(), key.publicExponent(), key.fingerprint()).encryptRsaPad(data);
        }
        a = Dh.generate(rnd).a();
        gB = Dh.generate(rnd).gA();
        a256 = new BigInteger(256, rnd).setBit(255);
    }

    /** RSA-2048 private operation on an RSA_PAD ciphertext (RsaKey.decryptRaw). */
    @Benchmark
    public byte[] rsaDecryptRaw() throws Exception {
        byte[] c = ciphertexts[next];
        next = (next + 1) & 63;
        return key.decryptRaw(c);
    }

    /**
     * Reference: the same private operation through the JDK's {@code RSA/ECB/NoPadding} (CRT with the
     * provider's blinding, Cipher.init per call), which RsaKey.decryptRaw used before.
     */
    @Benchmark
    public byte[] rsaDecryptJdkCipher() throws Exception {
        byte[] c = ciphertexts[next];
        next = (next + 1) & 63;
        jdkCipher.init(Cipher.DECRYPT_MODE, jdkKey);
        return jdkCipher.doFinal(c);
    }

    /** g_b^a mod p, 2048-bit exponent: the server's auth_key (Dh.computeAuthKey). */
    @Benchmark
    public byte[] dhAuthKey() {
        return Dh.computeAuthKey(a, gB);
    }

    /**
     * What-if, not used by the server: g_b^a mod p with a 256-bit exponent (the size RFC 7919 /
     * NIST SP 800-56A consider enough for a 2048-bit safe-prime group). See docs/PERFORMANCE.md.
     */
    @Benchmark
    public BigInteger modPowExponent256() {
        return gB.modPow(a256, Dh.PRIME);
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
