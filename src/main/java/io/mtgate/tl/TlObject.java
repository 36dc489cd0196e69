package io.mtgate.tl;

/** A serializable TL value: a constructor of a boxed type, or a function (a request). */
public interface TlObject {
    /** The constructor id, written little-endian before the body of a boxed value. */
    int constructorId();

    /** Writes the body without the constructor id (the bare form). */
    void serializeBare(TlWriter w);

    /** Writes the constructor id and the body (the boxed form). */
    default void serialize(TlWriter w) {
        w.writeInt(constructorId());
        serializeBare(w);
    }
}
