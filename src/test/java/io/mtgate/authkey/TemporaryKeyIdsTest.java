package io.mtgate.authkey;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TemporaryKeyIdsTest {

    @Test
    void untrustedUntilAReloadThatNoDistrustOverlapped() {
        TemporaryKeyIds ids = new TemporaryKeyIds();
        assertThat(ids.mightContain(5)).as("untrusted: anything may exist").isTrue();
        ids.refresh(() -> new long[] {3, 1, 2}, 1000, false);
        assertThat(ids.trusted()).as("channel down: not trusted").isFalse();
        ids.refresh(() -> {
            ids.distrust(); // an announcement lost while the list was read
            return new long[] {1};
        }, 1000, true);
        assertThat(ids.trusted()).isFalse();
        ids.refresh(() -> new long[] {3, 1, 2}, 1000, true);
        assertThat(ids.trusted()).isTrue();
        assertThat(ids.mightContain(2)).isTrue();
        assertThat(ids.mightContain(5)).isFalse();
        ids.distrust();
        assertThat(ids.mightContain(5)).isTrue();
    }

    @Test
    void aReloadKeepsLiveAnnouncementsItDidNotSee_andDropsExpiredOnesAndThoseItLoaded() {
        TemporaryKeyIds ids = new TemporaryKeyIds();
        ids.add(10, 5_000); // announced after the index was read
        ids.add(11, 1_500); // expired by the reload's time
        ids.add(12, 5_000); // in the index too
        ids.refresh(() -> new long[] {12, 13}, 2_000, true);
        assertThat(ids.contains(10)).isTrue();
        assertThat(ids.contains(11)).isFalse();
        assertThat(ids.contains(12)).isTrue();
        assertThat(ids.contains(13)).isTrue();
        assertThat(ids.recent()).as("only 10 is held outside the loaded array").isEqualTo(1);
        assertThat(ids.size()).isEqualTo(3);
    }

    @Test
    void aFailedReloadKeepsTheSetAndItsTrust() {
        TemporaryKeyIds ids = new TemporaryKeyIds();
        ids.refresh(() -> new long[] {7}, 0, true);
        try {
            ids.refresh(() -> {
                throw new IllegalStateException("Redis away");
            }, 0, true);
        } catch (IllegalStateException expected) {
            // propagates to the caller
        }
        assertThat(ids.trusted()).isTrue();
        assertThat(ids.contains(7)).isTrue();
    }
}
