package io.mtgate.bench;

import io.mtgate.crypto.AesIge;
import io.mtgate.crypto.Dh;
import io.mtgate.crypto.RsaKey;
import java.math.BigInteger;
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

/** Single-thread throughput of the io.mtgate.crypto primitives. See docs/PERFORMANCE.md. */
public class CryptoBench {

    @State(Scope.Thread)
    public static class Ige {
        @Param({"64", "1024", "16384", "262144"})
        public int size;
        byte[] key = new byte[32];
        byte[] iv = new byte[32];
        byte[] in;
        byte[] out;

        @Setup(Level.Trial)
        public void setUp() {
            SecureRandom r = new SecureRandom();
            r.nextBytes(key);
            r.nextBytes(iv);
            in = new byte[size];
            out = new byte[size];
            r.nextBytes(in);
        }
    }

    /** One whole message: key setup + IGE (a new key per call, as per MTProto message). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] igeEncrypt(Ige s) {
        AesIge.encrypt(s.key, s.iv, s.in, 0, s.size, s.out, 0);
        return s.out;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] igeDecrypt(Ige s) {
        AesIge.decrypt(s.key, s.iv, s.in, 0, s.size, s.out, 0);
        return s.out;
    }

    @State(Scope.Benchmark)
    public static class Rsa {
        RsaKey key;
        byte[] c;
        BigInteger a;
        BigInteger gB;
        SecureRandom rnd = new SecureRandom();

        @Setup(Level.Trial)
        public void setUp() {
            key = RsaKey.generate(rnd, 2048);
            byte[] m = new byte[256];
            rnd.nextBytes(m);
            m[0] = 0;
            c = Dh.toBytes(new BigInteger(1, m).modPow(key.publicExponent(), key.modulus()), 256);
            a = Dh.generate(rnd).a();
            gB = Dh.generate(rnd).gA();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] rsaDecryptRaw(Rsa s) throws Exception {
        return s.key.decryptRaw(s.c);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Dh.KeyPair dhGenerate(Rsa s) {
        return Dh.generate(s.rnd);
    }

    /** g_b^a mod p: the server's auth_key computation. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] dhAuthKey(Rsa s) {
        return Dh.computeAuthKey(s.a, s.gB);
    }
}
