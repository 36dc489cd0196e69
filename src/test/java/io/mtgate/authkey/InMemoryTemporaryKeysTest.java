package io.mtgate.authkey;

import io.mtgate.authkey.AuthKeyStore.SaveResult;
import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryTemporaryKeysTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    private StoredAuthKey temp(long id, Duration life) {
        return StoredAuthKey.temporary(new AuthKeyId(id), new byte[256], AuthKeyType.TEMPORARY,
                clock.instant(), clock.instant().plus(life));
    }

    @Test
    void purgeDropsExactlyTheExpiredKeys() {
        InMemoryTemporaryKeys keys = new InMemoryTemporaryKeys(clock, 10);
        keys.save(temp(1, Duration.ofSeconds(5)));
        keys.save(temp(2, Duration.ofSeconds(10)));
        keys.save(temp(3, Duration.ofSeconds(20)));
        clock.advance(Duration.ofSeconds(10));

        assertThat(keys.purgeExpired()).isEqualTo(2);
        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.contains(new AuthKeyId(3))).isTrue();
        assertThat(keys.purgeExpired()).isZero();
    }

    @Test
    void lookupPurgesLazily() {
        InMemoryTemporaryKeys keys = new InMemoryTemporaryKeys(clock, 10);
        keys.save(temp(1, Duration.ofSeconds(5)));
        clock.advance(Duration.ofSeconds(5));
        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.find(new AuthKeyId(1))).isEmpty();
        assertThat(keys.size()).isZero();
    }

    @Test
    void fullTableRejectsInsteadOfGrowing() {
        InMemoryTemporaryKeys keys = new InMemoryTemporaryKeys(clock, 2);
        keys.save(temp(1, Duration.ofHours(1)));
        keys.save(temp(2, Duration.ofHours(1)));
        assertThatThrownBy(() -> keys.save(temp(3, Duration.ofHours(1))))
                .isInstanceOf(TemporaryKeyCapacityException.class);
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.capacity()).isEqualTo(2);
        // A duplicate is reported as such even when full.
        assertThat(keys.save(temp(2, Duration.ofHours(1)))).isEqualTo(SaveResult.DUPLICATE_ID);
    }

    @Test
    void rejectsPermanentAndAlreadyExpiredKeys() {
        InMemoryTemporaryKeys keys = new InMemoryTemporaryKeys(clock, 2);
        assertThatThrownBy(() -> keys.save(StoredAuthKey.permanent(new AuthKeyId(1), new byte[256], clock.instant())))
                .isInstanceOf(IllegalArgumentException.class);
        StoredAuthKey k = temp(1, Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> keys.save(k)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InMemoryTemporaryKeys(clock, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void saltsNeedALiveKey() {
        InMemoryTemporaryKeys keys = new InMemoryTemporaryKeys(clock, 2);
        ServerSalt s = AuthKeyStore.initialSalt(1, clock.instant());
        assertThat(keys.addSalt(new AuthKeyId(1), s)).isFalse();
        keys.save(temp(1, Duration.ofMinutes(1)));
        assertThat(keys.addSalt(new AuthKeyId(1), s)).isTrue();
        assertThat(keys.salts(new AuthKeyId(1))).containsExactly(s);
    }
}
