package io.mtgate.authkey;

import io.mtgate.authkey.AuthKeyStore.SaveResult;
import io.mtgate.crypto.AuthKeyId;

import java.util.List;
import java.util.Optional;

/**
 * Where temporary (and media temporary) keys live: never in SQL. {@link InMemoryTemporaryKeys}
 * keeps them in this process; {@link SharedTemporaryKeys} in Redis, so every node sees them, with
 * this process's RAM as the fallback while Redis is away. A key is gone from its expiresAt on.
 */
public interface TemporaryKeys {

    /** The live key with this id, if any. */
    Optional<StoredAuthKey> find(AuthKeyId id);

    /** True when a live key has this id. */
    default boolean contains(AuthKeyId id) {
        return find(id).isPresent();
    }

    /**
     * Stores a temporary key.
     *
     * @return DUPLICATE_ID when a live temporary key has the id
     * @throws IllegalArgumentException      for a permanent key, or a key already expired
     * @throws TemporaryKeyCapacityException when the table is full
     */
    SaveResult save(StoredAuthKey key);

    /** Forgets a key; true when a live key was removed. */
    boolean delete(AuthKeyId id);

    /** Adds a salt to a live key (no-op for a salt value it has); false when no live key has this id. */
    boolean addSalt(AuthKeyId id, ServerSalt salt);

    /** Salts of a live key, oldest first; empty for an unknown or expired key. */
    List<ServerSalt> salts(AuthKeyId id);
}
