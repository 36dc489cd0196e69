package io.mtgate.push;

import io.mtgate.crypto.AuthKeyId;
import java.util.OptionalInt;

/** The API layer a key's client last named (invokeWithLayer), for writing pushes in that layer. */
@FunctionalInterface
public interface ClientLayers {
    ClientLayers UNKNOWN = key -> OptionalInt.empty();

    OptionalInt layerOf(AuthKeyId key);
}
