package io.mtgate.tl;

/** Reads the bare body of one constructor (the id has already been consumed). */
@FunctionalInterface
public interface TlDecoder {
    TlObject decode(TlReader r);
}
