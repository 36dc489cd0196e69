package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The gateway's {@link AuthKeyStore} when bindings are shared ({@link SharedTempKeyBindings}): a
 * temporary key found here (at connection start, on the blocking executor) has its binding loaded
 * into this node's mirror unless the mirror already holds one, so that the event loops' lookups
 * ({@link TempKeyBindings#permanentFor}) see a binding made on another node.
 */
public final class BindingLoadingStore implements AuthKeyStore {
    private final AuthKeyStore delegate;
    private final SharedTempKeyBindings bindings;

    public BindingLoadingStore(AuthKeyStore delegate, SharedTempKeyBindings bindings) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.bindings = Objects.requireNonNull(bindings, "bindings");
    }

    @Override
    public Optional<StoredAuthKey> find(AuthKeyId id) {
        Optional<StoredAuthKey> found = delegate.find(id);
        if (found.isPresent() && found.get().type().isTemporary() && !bindings.mirrors(id)) {
            bindings.load(id);
        }
        return found;
    }

    @Override
    public SaveResult save(StoredAuthKey key) {
        return delegate.save(key);
    }

    @Override
    public boolean delete(AuthKeyId id) {
        return delegate.delete(id);
    }

    @Override
    public void recordInitialSalt(AuthKeyId id, long salt, Instant validFrom) {
        delegate.recordInitialSalt(id, salt, validFrom);
    }

    @Override
    public List<ServerSalt> salts(AuthKeyId id) {
        return delegate.salts(id);
    }
}
