package io.mtgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mtgate.crypto.IgeImpls.Ige;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The native AES-NI kernel against the pure-JDK implementation and a textbook reference. */
class NativeAesIgeTest {
    private static final int CHUNK = NativeAesIge.CHUNK;

    private static void assumeNative() {
        assumeTrue(NativeAesIge.isAvailable(), () -> "native kernel unavailable: " + NativeLibrary.unavailableReason());
    }

    /**
     * If the build put the library into the class path and this is an AES-NI Linux x86_64 machine,
     * the kernel must actually be in use (a load failure must not hide behind the fallback here).
     */
    @Test
    void nativeKernelIsActiveWhenBuiltAndSupported() throws IOException {
        boolean built = NativeLibrary.class.getResource(NativeLibrary.RESOURCE) != null;
        boolean linuxX64 = System.getProperty("os.name").toLowerCase().startsWith("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        boolean forcedOff = "false".equalsIgnoreCase(System.getProperty(NativeLibrary.PROPERTY, "true"));
        assumeTrue(built && linuxX64 && !forcedOff, "library not built or not applicable here");
        Path cpuinfo = Paths.get("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo));
        boolean aes = Files.readAllLines(cpuinfo).stream()
                .anyMatch(l -> l.startsWith("flags") && Arrays.asList(l.split("\\s+")).contains("aes"));
        assumeTrue(aes, "CPU without AES-NI");
        assertTrue(NativeAesIge.isAvailable(), () -> "not loaded: " + NativeLibrary.unavailableReason());
        assertEquals(AesIge.NATIVE_AESNI, AesIge.implementation());
        assertEquals(null, NativeLibrary.unavailableReason());
    }

    @Test
    void randomKeysIvsAndLengthsAgreeWithJdkAndReference() {
        assumeNative();
        SplittableRandom r = new SplittableRandom(20240611);
        List<Integer> lengths = new ArrayList<>();
        for (int b = 0; b <= 40; b++) {
            lengths.add(b * 16);
        }
        for (int k = 1; k <= 4; k++) { // around the chunk boundaries
            lengths.addAll(List.of(k * CHUNK - 32, k * CHUNK - 16, k * CHUNK, k * CHUNK + 16, k * CHUNK + 48));
        }
        for (int i = 0; i < 25; i++) {
            lengths.add(16 * r.nextInt(1, 400 * 1024 / 16)); // up to 400 KiB
        }
        List<Ige> natives = List.of(IgeImpls.NATIVE, IgeImpls.nativeWithChunk(16),
                IgeImpls.nativeWithChunk(48), IgeImpls.nativeWithChunk(4096));
        for (int len : lengths) {
            byte[] key = bytes(r, 32);
            byte[] iv = bytes(r, 32);
            byte[] plain = bytes(r, len);
            byte[] enc = IgeImpls.reference(true, key, iv, plain);
            assertArrayEquals(plain, IgeImpls.reference(false, key, iv, enc), "reference self-check");
            assertArrayEquals(enc, IgeImpls.JDK.encrypt(key, iv, plain), "jdk enc " + len);
            assertArrayEquals(plain, IgeImpls.JDK.decrypt(key, iv, enc), "jdk dec " + len);
            for (Ige n : natives) {
                byte[] k0 = key.clone();
                byte[] iv0 = iv.clone();
                byte[] p0 = plain.clone();
                assertArrayEquals(enc, n.encrypt(key, iv, plain), n + " enc " + len);
                assertArrayEquals(plain, n.decrypt(key, iv, enc), n + " dec " + len);
                assertArrayEquals(k0, key, "key untouched");
                assertArrayEquals(iv0, iv, "iv untouched");
                assertArrayEquals(p0, plain, "input untouched");
            }
        }
    }

    @Test
    void offsetsInPlaceAndOverlapsInBothDirections() {
        assumeNative();
        SplittableRandom r = new SplittableRandom(7);
        int[] lens = {16, 32, 48, 160, 4096, CHUNK + 16, 2 * CHUNK + 64};
        int[] shifts = {-CHUNK - 16, -4096, -33, -16, -15, -1, 0, 1, 15, 16, 17, 4096, CHUNK + 16};
        for (Ige n : List.of(IgeImpls.NATIVE, IgeImpls.nativeWithChunk(32))) {
            for (int len : lens) {
                byte[] key = bytes(r, 32);
                byte[] iv = bytes(r, 32);
                byte[] data = bytes(r, len);
                byte[] enc = IgeImpls.JDK.encrypt(key, iv, data);
                for (int shift : shifts) {
                    int base = Math.max(0, -shift) + 5;
                    int inOff = base;
                    int outOff = base + shift;
                    // encrypt within one array: input at inOff, output at outOff (ranges may overlap)
                    byte[] buf = new byte[Math.max(inOff, outOff) + len + 7];
                    Arrays.fill(buf, (byte) 0x3C);
                    System.arraycopy(data, 0, buf, inOff, len);
                    byte[] expectBuf = buf.clone();
                    System.arraycopy(enc, 0, expectBuf, outOff, len);
                    n.encrypt(key, iv, buf, inOff, len, buf, outOff);
                    assertArrayEquals(expectBuf, buf, n + " enc len " + len + " shift " + shift);
                    // and decrypt it back the same way
                    System.arraycopy(enc, 0, buf, inOff, len);
                    byte[] expectDec = buf.clone();
                    System.arraycopy(data, 0, expectDec, outOff, len);
                    n.decrypt(key, iv, buf, inOff, len, buf, outOff);
                    assertArrayEquals(expectDec, buf, n + " dec len " + len + " shift " + shift);
                }
            }
        }
    }

    @Test
    void badArgumentsAreRejectedInJavaBeforeNativeCode() {
        assumeNative();
        byte[] k = new byte[32];
        byte[] b64 = new byte[64];
        // Java-side validation: IllegalArgumentException / IndexOutOfBoundsException / NPE. The native
        // side would throw IllegalStateException, so these prove the call never got there.
        for (boolean enc : new boolean[] {true, false}) {
            assertThrows(IllegalArgumentException.class, () -> NativeAesIge.process(enc, new byte[31], k, b64, 0, 16, b64, 0, CHUNK));
            assertThrows(IllegalArgumentException.class, () -> NativeAesIge.process(enc, k, new byte[16], b64, 0, 16, b64, 0, CHUNK));
            assertThrows(IllegalArgumentException.class, () -> NativeAesIge.process(enc, k, k, b64, 0, 15, b64, 0, CHUNK));
            assertThrows(IllegalArgumentException.class, () -> NativeAesIge.process(enc, k, k, b64, 0, -16, b64, 0, CHUNK));
            assertThrows(IllegalArgumentException.class, () -> NativeAesIge.process(enc, k, k, b64, 0, 16, b64, 0, 8));
            assertThrows(IllegalArgumentException.class, () -> NativeAesIge.process(enc, k, k, b64, 0, 16, b64, 0, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> NativeAesIge.process(enc, k, k, b64, 56, 16, b64, 0, CHUNK));
            assertThrows(IndexOutOfBoundsException.class, () -> NativeAesIge.process(enc, k, k, b64, -16, 16, b64, 0, CHUNK));
            assertThrows(IndexOutOfBoundsException.class, () -> NativeAesIge.process(enc, k, k, b64, 0, 64, new byte[63], 0, CHUNK));
            assertThrows(IndexOutOfBoundsException.class, () -> NativeAesIge.process(enc, k, k, b64, 0, 16, b64, Integer.MAX_VALUE - 8, CHUNK));
            assertThrows(IndexOutOfBoundsException.class, () -> NativeAesIge.process(enc, k, k, b64, 0, 16, b64, Integer.MIN_VALUE, CHUNK));
            assertThrows(NullPointerException.class, () -> NativeAesIge.process(enc, null, k, b64, 0, 16, b64, 0, CHUNK));
            assertThrows(NullPointerException.class, () -> NativeAesIge.process(enc, k, k, null, 0, 16, b64, 0, CHUNK));
            assertThrows(NullPointerException.class, () -> NativeAesIge.process(enc, k, k, b64, 0, 16, null, 0, CHUNK));
            // the public API goes through the same checks
            assertThrows(IndexOutOfBoundsException.class, () -> AesIge.encrypt(k, k, b64, 0, 16, b64, 60));
        }
    }

    /** Defence in depth: even a direct call with bad arguments must not touch memory. */
    @Test
    void nativeEntryPointRechecksItsArguments() {
        assumeNative();
        byte[] k = new byte[32];
        byte[] in = new byte[64];
        byte[] out = new byte[64];
        Arrays.fill(out, (byte) 7);
        byte[] before = out.clone();
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, k, k, in, 16, out, 0, 64, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(false, k, k, in, 0, out, 1, 64, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, k, k, in, 0, out, 0, 17, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, k, k, in, -16, out, 0, 16, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, new byte[16], k, in, 0, out, 0, 16, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, k, null, in, 0, out, 0, 16, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, k, k, in, 0, out, Integer.MAX_VALUE, 16, CHUNK));
        assertArrayEquals(before, out);
        // the same for inputs above the small-message size (pinned path)
        byte[] bigIn = new byte[4096];
        byte[] bigOut = new byte[4096];
        Arrays.fill(bigOut, (byte) 9);
        byte[] bigBefore = bigOut.clone();
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, k, k, bigIn, 16, bigOut, 0, 4096, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(false, k, k, bigIn, 0, bigOut, 16, 4096, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, k, k, bigIn, 0, bigOut, -16, 2048, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, new byte[31], k, bigIn, 0, bigOut, 0, 2048, CHUNK));
        assertThrows(IllegalStateException.class, () -> NativeAesIge.ige0(true, k, new byte[8], bigIn, 0, bigOut, 0, 2048, CHUNK));
        assertArrayEquals(bigBefore, bigOut);
        // an out-of-range chunk falls back to the default inside native code, still correct
        byte[] key = new byte[32];
        new Random(1).nextBytes(key);
        byte[] data = new byte[4096];
        new Random(2).nextBytes(data);
        byte[] res = new byte[4096];
        NativeAesIge.ige0(true, key, k, data, 0, res, 0, 4096, 7);
        assertArrayEquals(IgeImpls.reference(true, key, k, data), res);
    }

    @Test
    void propertyForcesPureJavaInANewJvm() throws Exception {
        assertEquals("jdk", implementationInChildJvm("-D" + NativeLibrary.PROPERTY + "=false"));
        String dflt = implementationInChildJvm("-Dmtgate.probe=1");
        if (!"false".equalsIgnoreCase(System.getProperty(NativeLibrary.PROPERTY, "true"))) {
            // without the property the child chooses exactly as this JVM did
            assertEquals(NativeAesIge.isAvailable() ? "native-aesni" : "jdk", dflt);
        }
    }

    private static String implementationInChildJvm(String sysProp) throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), sysProp, "-cp", System.getProperty("java.class.path"),
                ImplementationProbe.class.getName());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text.lines().filter(l -> l.startsWith("IMPL=")).map(l -> l.substring(5)).findFirst()
                .orElseThrow(() -> new AssertionError("no IMPL= line in: " + text));
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
