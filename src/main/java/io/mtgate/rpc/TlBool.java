package io.mtgate.rpc;

import io.mtgate.tl.TlObject;
import io.mtgate.tl.TlReader;
import io.mtgate.tl.TlWriter;

/**
 * The {@code Bool} result ({@code boolTrue#997275b5} / {@code boolFalse#bc799737}). Bool is a
 * runtime built-in of the TL generator, so no layer has a class for it; this one is valid in every
 * layer.
 */
public enum TlBool implements TlObject {
    TRUE(TlReader.BOOL_TRUE_ID),
    FALSE(TlReader.BOOL_FALSE_ID);

    private final int id;

    TlBool(int id) {
        this.id = id;
    }

    public static TlBool of(boolean value) {
        return value ? TRUE : FALSE;
    }

    @Override
    public int constructorId() {
        return id;
    }

    @Override
    public void serializeBare(TlWriter w) {
    }
}
