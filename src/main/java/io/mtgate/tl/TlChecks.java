package io.mtgate.tl;

import java.util.Objects;

/** Checks used by generated constructors. */
public final class TlChecks {
    private TlChecks() {
    }

    public static byte[] fixed(byte[] v, int len, String field) {
        Objects.requireNonNull(v, field);
        if (v.length != len) {
            throw new IllegalArgumentException(field + " must be " + len + " bytes, got " + v.length);
        }
        return v;
    }
}
