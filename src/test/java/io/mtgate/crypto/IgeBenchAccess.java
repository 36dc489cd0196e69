package io.mtgate.crypto;

/**
 * Test-only bridge so that benchmarks in {@code io.mtgate.bench} can call each AES-IGE
 * implementation directly (they are package-private in production code).
 */
public final class IgeBenchAccess {
    private IgeBenchAccess() {
    }

    public static boolean nativeAvailable() {
        return NativeAesIge.isAvailable();
    }

    public static String nativeUnavailableReason() {
        return NativeLibrary.unavailableReason();
    }

    public static void encrypt(boolean nativeImpl, byte[] key, byte[] iv, byte[] in, int len, byte[] out) {
        if (nativeImpl) {
            NativeAesIge.encrypt(key, iv, in, 0, len, out, 0);
        } else {
            JdkAesIge.encrypt(key, iv, in, 0, len, out, 0);
        }
    }

    public static void decrypt(boolean nativeImpl, byte[] key, byte[] iv, byte[] in, int len, byte[] out) {
        if (nativeImpl) {
            NativeAesIge.decrypt(key, iv, in, 0, len, out, 0);
        } else {
            JdkAesIge.decrypt(key, iv, in, 0, len, out, 0);
        }
    }
}
