package io.mtgate.crypto;

/** Run in a child JVM by NativeAesIgeTest: prints which implementation AesIge chose and checks it works. */
public final class ImplementationProbe {
    private ImplementationProbe() {
    }

    public static void main(String[] args) {
        byte[] k = Hex.seq(0, 32);
        String enc = Hex.hex(AesIge.encrypt(k, k, k));
        if (!enc.equals("e28112a53e5c89c7b1ea8071c133699fd4e86b26c4bac9fc5af1ab8ce27a44a4")) {
            throw new AssertionError("wrong A.4 ciphertext " + enc);
        }
        System.out.println("IMPL=" + AesIge.implementation());
    }
}
