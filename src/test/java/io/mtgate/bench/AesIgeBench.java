package io.mtgate.bench;

import io.mtgate.crypto.IgeBenchAccess;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-thread AES-256-IGE throughput, native AES-NI kernel (JNI) vs pure JDK, one whole message
 * per call including the key schedule (MTProto uses a new AES key per message).
 * {@link AesIgeReport} runs this together with the {@code openssl speed} reference; see
 * docs/PERFORMANCE.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AesIgeBench {

    @State(Scope.Thread)
    public static class Msg {
        @Param({"native", "jdk"})
        public String impl;
        @Param({"64", "1024", "16384", "262144"})
        public int size;
        boolean nativeImpl;
        /** Keys are rotated: MTProto derives a new AES key per message, and the JDK skips the key
         *  schedule when a Cipher is re-initialised with its previous key. */
        final byte[][] keys = new byte[16][32];
        int next;
        byte[] iv = new byte[32];
        byte[] in;
        byte[] out;

        byte[] key() {
            return keys[next++ & 15];
        }

        @Setup(Level.Trial)
        public void setUp() {
            nativeImpl = impl.equals("native");
            if (nativeImpl && !IgeBenchAccess.nativeAvailable()) {
                throw new IllegalStateException("native kernel unavailable: " + IgeBenchAccess.nativeUnavailableReason());
            }
            SecureRandom r = new SecureRandom();
            for (byte[] k : keys) {
                r.nextBytes(k);
            }
            r.nextBytes(iv);
            in = new byte[size];
            out = new byte[size];
            r.nextBytes(in);
        }
    }

    @Benchmark
    public byte[] encrypt(Msg s) {
        IgeBenchAccess.encrypt(s.nativeImpl, s.key(), s.iv, s.in, s.size, s.out);
        return s.out;
    }

    @Benchmark
    public byte[] decrypt(Msg s) {
        IgeBenchAccess.decrypt(s.nativeImpl, s.key(), s.iv, s.in, s.size, s.out);
        return s.out;
    }
}
