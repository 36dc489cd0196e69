package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where auth keys live. Permanent keys are durable (SQL in production); temporary and media
 * temporary keys are kept in RAM only and are gone once {@link StoredAuthKey#expiresAt()} is reached.
 *
 * <h2>Contract (checked by the shared contract test against every implementation)</h2>
 * <ul>
 *   <li>{@link #save} of a permanent key returns only after the key is durably committed, in its
 *       own transaction (never joined to a caller's), so the handshake may send {@code dh_gen_ok}
 *       right after it returns. Storage failures throw {@link AuthKeyStoreException}; a full
 *       temporary key table throws {@link TemporaryKeyCapacityException}.</li>
 *   <li>{@link SaveResult#DUPLICATE_ID} (answered with {@code dh_gen_retry}) when a live key of any
 *       type already has the id, and also when a <em>deleted</em> permanent key had it: deleted
 *       permanent rows are kept (soft delete, as Teamgram does) and their ids are never reused.
 *       The existing key is left unchanged.</li>
 *   <li>{@link #find} never returns a deleted key nor a temporary key at or after its expiresAt.
 *       A permanent key's {@code createdAt} comes back truncated to whole seconds (the column is
 *       a SQL {@code timestamp}); temporary keys come back exactly as saved.</li>
 *   <li>Salt instants are kept with whole-second precision.</li>
 * </ul>
 * Implementations are thread-safe. No method accepts or returns {@code null} except where noted.
 */
public interface AuthKeyStore {

    /**
     * How long the initial salt of a new key (checklist 2.8: {@code new_nonce[0..8] XOR
     * server_nonce[0..8]}) stays valid: 30 minutes, the lifetime Teamgram and Telegram give each
     * salt. The session layer issues the following salts (future_salts) before it runs out.
     */
    Duration INITIAL_SALT_VALIDITY = Duration.ofMinutes(30);

    /** Outcome of {@link #save}. */
    enum SaveResult {
        /** The key is stored (durably, for a permanent key). */
        SAVED,
        /** The id is taken; nothing was written. The handshake answers {@code dh_gen_retry}. */
        DUPLICATE_ID
    }

    /** The live key with this id: a permanent key not deleted, or a temporary key not expired. */
    Optional<StoredAuthKey> find(AuthKeyId id);

    /** Stores a new key; see the class comment for durability and duplicates. */
    SaveResult save(StoredAuthKey key);

    /**
     * Deletes a key: a permanent key is soft-deleted ({@code deleted = 1} in {@code auth_keys} and
     * {@code auth_key_infos}) and its salts are dropped; a temporary key is forgotten.
     *
     * @return true when a live key was deleted, false when there was none
     */
    boolean delete(AuthKeyId id);

    /**
     * Registers the initial server salt of a key, valid from {@code validFrom} (inclusive) for
     * {@link #INITIAL_SALT_VALIDITY}, truncated to whole seconds. Recording a salt the key already
     * has is a no-op (the first window is kept). A temporary key's salts live and die with it.
     *
     * @throws IllegalArgumentException when no live key has this id (save the key first)
     */
    void recordInitialSalt(AuthKeyId id, long salt, Instant validFrom);

    /**
     * All salts recorded for a live key, oldest {@code validSince} first, expired windows included
     * (the session layer decides what it accepts). Empty for an unknown, deleted or expired key.
     */
    List<ServerSalt> salts(AuthKeyId id);

    /** The salt window {@link #recordInitialSalt} stores. */
    static ServerSalt initialSalt(long salt, Instant validFrom) {
        Instant since = validFrom.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return new ServerSalt(salt, since, since.plus(INITIAL_SALT_VALIDITY));
    }
}
