package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link AuthKeyStore} entirely in memory, for tests and for running without a database.
 * "Durable" here means "visible to every later call in this JVM". Follows the same contract as
 * {@link JdbcAuthKeyStore}, including: deleted permanent ids stay taken, permanent keys' createdAt
 * truncated to seconds. Thread-safe.
 */
public final class InMemoryAuthKeyStore implements AuthKeyStore {

    private final InMemoryTemporaryKeys temporaryKeys;
    private final Map<Long, StoredAuthKey> permanent = new HashMap<>();
    private final Set<Long> deletedPermanentIds = new HashSet<>();
    private final Map<Long, List<ServerSalt>> permanentSalts = new HashMap<>();

    /** System UTC clock, {@link InMemoryTemporaryKeys#DEFAULT_CAPACITY} temporary keys. */
    public InMemoryAuthKeyStore() {
        this(Clock.systemUTC(), InMemoryTemporaryKeys.DEFAULT_CAPACITY);
    }

    public InMemoryAuthKeyStore(Clock clock, int maxTemporaryKeys) {
        this(new InMemoryTemporaryKeys(clock, maxTemporaryKeys));
    }

    public InMemoryAuthKeyStore(InMemoryTemporaryKeys temporaryKeys) {
        this.temporaryKeys = Objects.requireNonNull(temporaryKeys, "temporaryKeys");
    }

    /** The temporary key table (to schedule {@link InMemoryTemporaryKeys#purgeExpired()}). */
    public InMemoryTemporaryKeys temporaryKeys() {
        return temporaryKeys;
    }

    @Override
    public Optional<StoredAuthKey> find(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        Optional<StoredAuthKey> temp = temporaryKeys.find(id);
        if (temp.isPresent()) {
            return temp;
        }
        synchronized (this) {
            return Optional.ofNullable(permanent.get(id.value()));
        }
    }

    @Override
    public synchronized SaveResult save(StoredAuthKey key) {
        Objects.requireNonNull(key, "key");
        long id = key.id().value();
        if (permanent.containsKey(id) || deletedPermanentIds.contains(id) || temporaryKeys.contains(key.id())) {
            return SaveResult.DUPLICATE_ID;
        }
        if (key.type().isTemporary()) {
            return temporaryKeys.save(key);
        }
        permanent.put(id, key.withCreatedAt(key.createdAt().truncatedTo(ChronoUnit.SECONDS)));
        return SaveResult.SAVED;
    }

    @Override
    public synchronized boolean delete(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        if (temporaryKeys.delete(id)) {
            return true;
        }
        if (permanent.remove(id.value()) != null) {
            deletedPermanentIds.add(id.value());
            permanentSalts.remove(id.value());
            return true;
        }
        return false;
    }

    @Override
    public synchronized void recordInitialSalt(AuthKeyId id, long salt, Instant validFrom) {
        Objects.requireNonNull(id, "id");
        ServerSalt s = AuthKeyStore.initialSalt(salt, validFrom);
        if (temporaryKeys.addSalt(id, s)) {
            return;
        }
        if (!permanent.containsKey(id.value())) {
            throw new IllegalArgumentException("no live auth key " + id);
        }
        List<ServerSalt> list = permanentSalts.computeIfAbsent(id.value(), k -> new ArrayList<>());
        if (list.stream().noneMatch(x -> x.salt() == salt)) {
            list.add(s);
            list.sort(Comparator.comparing(ServerSalt::validSince));
        }
    }

    @Override
    public List<ServerSalt> salts(AuthKeyId id) {
        Objects.requireNonNull(id, "id");
        if (temporaryKeys.contains(id)) {
            return temporaryKeys.salts(id);
        }
        synchronized (this) {
            return List.copyOf(permanentSalts.getOrDefault(id.value(), List.of()));
        }
    }
}
