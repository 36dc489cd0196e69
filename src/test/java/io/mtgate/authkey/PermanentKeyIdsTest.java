package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class PermanentKeyIdsTest {

    @Test
    void untrustedUntilLoadedThenExact() {
        PermanentKeyIds ids = new PermanentKeyIds();
        assertThat(ids.mightContain(new AuthKeyId(1))).isTrue(); // not loaded: everything may exist
        ids.refresh(() -> new long[] {5, -3, Long.MIN_VALUE}, true);
        assertThat(ids.trusted()).isTrue();
        assertThat(ids.mightContain(new AuthKeyId(-3))).isTrue();
        assertThat(ids.mightContain(new AuthKeyId(Long.MIN_VALUE))).isTrue();
        assertThat(ids.mightContain(new AuthKeyId(1))).isFalse();
        ids.add(new AuthKeyId(1));
        assertThat(ids.mightContain(new AuthKeyId(1))).isTrue();
        assertThat(ids.size()).isEqualTo(4);
    }

    @Test
    void refreshKeepsIdsAddedWhileItLoaded() throws Exception {
        PermanentKeyIds ids = new PermanentKeyIds();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch added = new CountDownLatch(1);
        Thread refresh = new Thread(() -> ids.refresh(() -> {
            reading.countDown();
            try {
                added.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new long[] {10}; // read before 11 was committed
        }, true));
        refresh.start();
        reading.await();
        ids.add(new AuthKeyId(11));
        added.countDown();
        refresh.join();
        assertThat(ids.mightContain(new AuthKeyId(10))).isTrue();
        assertThat(ids.mightContain(new AuthKeyId(11))).as("a save during the load is not lost").isTrue();
        assertThat(ids.size()).isEqualTo(2);
    }

    @Test
    void aDistrustDuringALoadKeepsTheSetUntrusted() {
        PermanentKeyIds ids = new PermanentKeyIds();
        ids.refresh(() -> new long[0], true);
        ids.distrust();
        assertThat(ids.mightContain(new AuthKeyId(99))).isTrue();
        ids.refresh(() -> {
            ids.distrust(); // the invalidation channel dropped while reading
            return new long[0];
        }, true);
        assertThat(ids.trusted()).isFalse();
        ids.refresh(() -> new long[0], false);
        assertThat(ids.trusted()).as("not while the channel is known to be down").isFalse();
        ids.refresh(() -> new long[0], true);
        assertThat(ids.trusted()).isTrue();
    }

    @Test
    void aFailedLoadKeepsThePreviousSet() {
        PermanentKeyIds ids = new PermanentKeyIds();
        ids.refresh(() -> new long[] {7}, true);
        try {
            ids.refresh(() -> {
                throw new AuthKeyStoreException("down");
            }, true);
        } catch (AuthKeyStoreException expected) {
            // propagates
        }
        assertThat(ids.trusted()).isTrue();
        assertThat(ids.mightContain(new AuthKeyId(7))).isTrue();
        assertThat(ids.mightContain(new AuthKeyId(8))).isFalse();
    }
}
