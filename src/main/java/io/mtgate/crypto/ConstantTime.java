package io.mtgate.crypto;

import java.security.MessageDigest;
import java.util.Objects;

/** Comparisons whose running time does not depend on where the inputs differ. */
public final class ConstantTime {
    private ConstantTime() {
    }

    /**
     * Same semantics as {@link MessageDigest#isEqual}: {@code true} iff both are non-null (or both
     * null) and have equal length and contents; time depends only on the lengths.
     */
    public static boolean equals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /**
     * Compares {@code a[aOff, aOff+len)} with {@code b[bOff, bOff+len)} in time depending only on
     * {@code len}.
     *
     * @throws IndexOutOfBoundsException if a range lies outside its array or {@code len < 0}
     */
    public static boolean equals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        Objects.checkFromIndexSize(aOff, len, a.length);
        Objects.checkFromIndexSize(bOff, len, b.length);
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }
}
