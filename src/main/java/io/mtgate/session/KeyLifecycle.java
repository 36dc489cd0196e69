package io.mtgate.session;

import io.mtgate.crypto.AuthKeyId;
import java.util.function.Consumer;

/** Deletes an auth key everywhere for {@code destroy_auth_key} (store, caches, other nodes). */
@FunctionalInterface
public interface KeyLifecycle {
    enum DestroyResult {
        /** The key existed and is gone: {@code destroy_auth_key_ok}. */
        DESTROYED,
        /** There was nothing to delete: {@code destroy_auth_key_none}. */
        NONE,
        /** Storage failed: {@code destroy_auth_key_fail}; the key still exists. */
        FAILED
    }

    /** Deletes the key off the calling thread and reports the result once, on any thread. */
    void destroy(AuthKeyId id, Consumer<DestroyResult> done);
}
