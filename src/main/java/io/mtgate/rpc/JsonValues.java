package io.mtgate.rpc;

import io.mtgate.tl.TlDecodeException;
import io.mtgate.tl.TlReader;

/**
 * Reads a boxed TL {@code JSONValue} (initConnection's {@code params}) straight into JSON text, for
 * the {@code auths.params} column. The JSONValue constructors have the same ids in every layer.
 * Depth is bounded; NaN and infinities (which JSON cannot express) become {@code null}; integral
 * numbers are written without a fraction ({@code 3600}, not {@code 3600.0}).
 */
public final class JsonValues {
    static final int JSON_NULL = 0x3f6d7b68;
    static final int JSON_BOOL = 0xc7345e6a;
    static final int JSON_NUMBER = 0x2be0dfa4;
    static final int JSON_STRING = 0xb71e767a;
    static final int JSON_ARRAY = 0xf7444763;
    static final int JSON_OBJECT = 0x99c1d49d;
    static final int JSON_OBJECT_VALUE = 0xc0de1bd9;
    static final int MAX_DEPTH = 16;

    private JsonValues() {
    }

    /** Reads one boxed JSONValue and returns it as JSON text. */
    public static String readAsJson(TlReader r) {
        StringBuilder out = new StringBuilder();
        read(r, out, 0);
        return out.toString();
    }

    private static void read(TlReader r, StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new TlDecodeException("JSONValue nested deeper than " + MAX_DEPTH);
        }
        int id = r.readInt();
        switch (id) {
            case JSON_NULL -> out.append("null");
            case JSON_BOOL -> out.append(r.readBool());
            case JSON_NUMBER -> number(r.readDouble(), out);
            case JSON_STRING -> string(r.readString(), out);
            case JSON_ARRAY -> {
                out.append('[');
                int[] n = {0};
                r.readVector(true, rr -> {
                    if (n[0]++ > 0) {
                        out.append(',');
                    }
                    read(rr, out, depth + 1);
                    return Boolean.TRUE;
                });
                out.append(']');
            }
            case JSON_OBJECT -> {
                out.append('{');
                int[] n = {0};
                r.readVector(true, rr -> {
                    int vid = rr.readInt();
                    if (vid != JSON_OBJECT_VALUE) {
                        throw new io.mtgate.tl.TlConstructorException("expected jsonObjectValue, got " + Integer.toHexString(vid));
                    }
                    if (n[0]++ > 0) {
                        out.append(',');
                    }
                    string(rr.readString(), out);
                    out.append(':');
                    read(rr, out, depth + 1);
                    return Boolean.TRUE;
                });
                out.append('}');
            }
            default -> throw new io.mtgate.tl.TlConstructorException("expected JSONValue, got constructor " + Integer.toHexString(id));
        }
    }

    private static void number(double v, StringBuilder out) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            out.append("null");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
        } else {
            out.append(v);
        }
    }

    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
