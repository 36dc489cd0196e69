package io.mtgate.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtgate.authkey.InMemoryTempKeyBindings;
import io.mtgate.authkey.TemporaryKeyCapacityException;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.rpc.RpcTestSupport.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryTempKeyBindingsTest {
    final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    final InMemoryTempKeyBindings b = new InMemoryTempKeyBindings(clock, 3);
    static final AuthKeyId T1 = new AuthKeyId(1);
    static final AuthKeyId T2 = new AuthKeyId(2);
    static final AuthKeyId P1 = new AuthKeyId(101);
    static final AuthKeyId P2 = new AuthKeyId(102);

    @Test
    void bindLookUpUnbind() {
        assertThat(b.bind(T1, P1, clock.instant().plusSeconds(60))).isEmpty();
        assertThat(b.permanentFor(T1)).contains(P1);
        assertThat(b.unbind(T1)).isTrue();
        assertThat(b.unbind(T1)).isFalse();
        assertThat(b.permanentFor(T1)).isEmpty();
    }

    @Test
    void aBindingEndsAtItsExpiry() {
        b.bind(T1, P1, clock.instant().plusSeconds(60));
        clock.advance(Duration.ofSeconds(59));
        assertThat(b.permanentFor(T1)).contains(P1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(b.permanentFor(T1)).isEmpty();
        assertThat(b.size()).isZero();
    }

    @Test
    void aPermanentKeyHasOneTemporaryKeyAtATime() {
        b.bind(T1, P1, clock.instant().plusSeconds(60));
        assertThat(b.bind(T2, P1, clock.instant().plusSeconds(60))).contains(T1);
        assertThat(b.permanentFor(T1)).isEmpty();
        assertThat(b.permanentFor(T2)).contains(P1);
        // rebinding T2 elsewhere frees P1
        assertThat(b.bind(T2, P2, clock.instant().plusSeconds(60))).isEmpty();
        assertThat(b.bind(T1, P1, clock.instant().plusSeconds(60))).isEmpty();
        assertThat(b.permanentFor(T2)).contains(P2);
    }

    @Test
    void unbindPermanentEndsTheBindingOfItsTemporaryKey() {
        b.bind(T1, P1, clock.instant().plusSeconds(60));
        b.bind(T2, P2, clock.instant().plusSeconds(60));
        assertThat(b.unbindPermanent(P1)).contains(T1);
        assertThat(b.permanentFor(T1)).isEmpty();
        assertThat(b.permanentFor(T2)).as("another permanent key's binding").contains(P2);
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.unbindPermanent(P1)).as("nothing left to unbind").isEmpty();
        // the temporary key may be bound again (to a permanent key that exists)
        assertThat(b.bind(T1, P2, clock.instant().plusSeconds(60))).contains(T2);
        assertThat(b.permanentFor(T1)).contains(P2);
    }

    @Test
    void unbindPermanentOfAKeyWithoutABindingChangesNothing() {
        b.bind(T1, P1, clock.instant().plusSeconds(60));
        assertThat(b.unbindPermanent(P2)).isEmpty();
        assertThat(b.unbindPermanent(T1)).as("a temporary key's id is not a permanent key").isEmpty();
        assertThat(b.permanentFor(T1)).contains(P1);
    }

    @Test
    void unbindPermanentDropsAnExpiredBindingWithoutReportingIt() {
        b.bind(T1, P1, clock.instant().plusSeconds(60));
        clock.advance(Duration.ofSeconds(60));
        assertThat(b.unbindPermanent(P1)).isEmpty();
        assertThat(b.size()).isZero();
    }

    @Test
    void unbindPermanentFollowsRebinding() {
        // P1's temporary key changes from T1 to T2: only T2 is bound to it
        b.bind(T1, P1, clock.instant().plusSeconds(60));
        b.bind(T2, P1, clock.instant().plusSeconds(60));
        assertThat(b.unbindPermanent(P1)).contains(T2);
        assertThat(b.permanentFor(T2)).isEmpty();
        assertThat(b.permanentFor(T1)).isEmpty();
        // T1 moved from P1 to P2: P1 has no temporary key, P2's stays bound
        b.bind(T1, P1, clock.instant().plusSeconds(60));
        b.bind(T1, P2, clock.instant().plusSeconds(60));
        assertThat(b.unbindPermanent(P1)).isEmpty();
        assertThat(b.permanentFor(T1)).contains(P2);
        assertThat(b.unbindPermanent(P2)).contains(T1);
        assertThat(b.size()).isZero();
    }

    @Test
    void boundedWithExpiredEntriesPurgedFirst() {
        b.bind(new AuthKeyId(11), new AuthKeyId(111), clock.instant().plusSeconds(10));
        b.bind(new AuthKeyId(12), new AuthKeyId(112), clock.instant().plusSeconds(100));
        b.bind(new AuthKeyId(13), new AuthKeyId(113), clock.instant().plusSeconds(100));
        assertThatThrownBy(() -> b.bind(new AuthKeyId(14), new AuthKeyId(114), clock.instant().plusSeconds(100)))
                .isInstanceOf(TemporaryKeyCapacityException.class);
        clock.advance(Duration.ofSeconds(10));
        b.bind(new AuthKeyId(14), new AuthKeyId(114), clock.instant().plusSeconds(100));
        assertThat(b.permanentFor(new AuthKeyId(14))).contains(new AuthKeyId(114));
        assertThat(b.purgeExpired()).isZero();
        assertThat(b.size()).isEqualTo(3);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> b.bind(T1, T1, clock.instant().plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.bind(T1, P1, clock.instant())).isInstanceOf(IllegalArgumentException.class);
    }
}
