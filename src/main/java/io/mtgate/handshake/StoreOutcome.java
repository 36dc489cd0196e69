package io.mtgate.handshake;

/** What happened when the adapter tried to persist a {@link PendingKey}. */
public enum StoreOutcome {
    /** Durably written: the client gets dh_gen_ok. */
    SAVED,
    /** A key with the same auth_key_id already exists: the client gets dh_gen_retry. */
    DUPLICATE_ID,
    /** Not written (storage error): the client gets transport error -404, never dh_gen_ok. */
    FAILED
}
