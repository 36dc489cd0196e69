package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import java.time.Instant;
import java.util.Optional;

/**
 * Which permanent key each temporary key is bound to ({@code auth.bindTempAuthKey}, checklist 2.10).
 *
 * <p>A binding lives no longer than the temporary key: it ends at the {@code expiresAt} given to
 * {@link #bind}. A permanent key is bound to at most one temporary key at a time: binding a new
 * temporary key to it removes the previous temporary key's binding (Telegram's documented rule), so
 * that key falls back to "unbound" ({@code 401 AUTH_KEY_PERM_EMPTY} for most methods). A binding also
 * ends when either of its keys is destroyed: {@link #unbind} for the temporary key,
 * {@link #unbindPermanent} for the permanent one (otherwise the temporary key would go on acting for
 * a permanent key that no longer exists).
 *
 * <p>Implementations are thread-safe and never block (lookups run on event loops).
 */
public interface TempKeyBindings {

    /**
     * Binds {@code temp} to {@code perm} until {@code expiresAt}; replaces any binding of
     * {@code temp} and any other temporary key bound to {@code perm}.
     *
     * @return the temporary key that was bound to {@code perm} before and lost its binding, if any
     *         (other than {@code temp} itself)
     */
    Optional<AuthKeyId> bind(AuthKeyId temp, AuthKeyId perm, Instant expiresAt);

    /** The permanent key {@code temp} is bound to, while the binding has not expired. */
    Optional<AuthKeyId> permanentFor(AuthKeyId temp);

    /** Removes the binding of {@code temp}; true when a live binding was removed. */
    boolean unbind(AuthKeyId temp);

    /**
     * Removes the binding of whichever temporary key is bound to {@code perm} (call it when the
     * permanent key is destroyed or deleted); that temporary key is unbound from then on.
     *
     * @return the temporary key whose live binding was removed, if any (an expired binding is
     *         dropped too but not returned)
     */
    Optional<AuthKeyId> unbindPermanent(AuthKeyId perm);
}
