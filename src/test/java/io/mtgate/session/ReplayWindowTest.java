package io.mtgate.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The array replay window against a TreeMap model, in and out of order, across eviction. */
class ReplayWindowTest {

    @Test
    void behavesLikeASortedMapThatDropsItsLowestId() {
        Random random = new Random(1);
        for (int round = 0; round < 200; round++) {
            int capacity = 16 + random.nextInt(48);
            ReplayWindow w = new ReplayWindow(capacity);
            TreeMap<Long, Integer> model = new TreeMap<>();
            boolean evicted = false;
            for (int i = 0; i < 300; i++) {
                long id = (1000L + random.nextInt(400)) * 4;
                int seqno = random.nextInt(1000);
                if (model.containsKey(id)) {
                    assertThat(w.contains(id)).isTrue();
                    continue;
                }
                w.add(id, seqno, i & 0x1f);
                model.put(id, seqno);
                if (model.size() > capacity) {
                    model.pollFirstEntry();
                    evicted = true;
                }
                assertThat(w.size()).isEqualTo(model.size());
                assertThat(w.evicted()).isEqualTo(evicted);
                assertThat(w.first()).isEqualTo(model.firstKey());
                assertThat(w.last()).isEqualTo(model.lastKey());
                long probe = (1000L + random.nextInt(400)) * 4;
                Long lower = model.lowerKey(probe);
                Long higher = model.higherKey(probe);
                assertThat(w.seqnoBefore(probe)).isEqualTo(lower == null ? ReplayWindow.NONE : model.get(lower));
                assertThat(w.seqnoAfter(probe)).isEqualTo(higher == null ? ReplayWindow.NONE : model.get(higher));
                assertThat(w.contains(probe)).isEqualTo(model.containsKey(probe));
            }
        }
    }

    /**
     * The usual traffic: ids mostly ascending (the ring appends and drops at its ends and wraps
     * around many times), some late ones, some duplicates, capacities that are and are not powers
     * of two; checked against the model after every step, including the flags.
     */
    @Test
    void mostlyAscendingIdsWrapTheRing() {
        Random random = new Random(2);
        for (int capacity : new int[] {16, 17, 31, 64, 100, 256}) {
            ReplayWindow w = new ReplayWindow(capacity);
            TreeMap<Long, int[]> model = new TreeMap<>();
            long next = 4_000_000L;
            for (int i = 0; i < 5_000; i++) {
                int roll = random.nextInt(20);
                long id = roll == 0 ? next - 4L * random.nextInt(2 * capacity) : (next += 4 * (1 + random.nextInt(3)));
                int seqno = random.nextInt(1 << 20);
                int f = random.nextInt(256);
                if (model.containsKey(id)) {
                    assertThat(w.contains(id)).isTrue();
                    w.addFlags(id, 0x40);
                    model.get(id)[1] |= 0x40;
                } else if (model.size() == capacity && id < model.firstKey()) {
                    w.add(id, seqno, f); // below everything remembered in a full window: dropped
                    assertThat(w.contains(id)).isFalse();
                } else {
                    w.add(id, seqno, f);
                    model.put(id, new int[] {seqno, f & 0xff});
                    if (model.size() > capacity) {
                        model.pollFirstEntry();
                    }
                }
                assertThat(w.size()).isEqualTo(model.size());
                assertThat(w.first()).isEqualTo(model.firstKey());
                assertThat(w.last()).isEqualTo(model.lastKey());
                long probe = next - 4L * random.nextInt(capacity + 8) + (random.nextBoolean() ? 0 : 1);
                Long lower = model.lowerKey(probe);
                Long higher = model.higherKey(probe);
                assertThat(w.seqnoBefore(probe)).isEqualTo(lower == null ? ReplayWindow.NONE : model.get(lower)[0]);
                assertThat(w.seqnoAfter(probe)).isEqualTo(higher == null ? ReplayWindow.NONE : model.get(higher)[0]);
                int at = w.indexOf(probe);
                assertThat(at >= 0).isEqualTo(model.containsKey(probe));
                if (at >= 0) {
                    assertThat(w.seqnoAt(at)).isEqualTo(model.get(probe)[0]);
                    assertThat(w.flagsAt(at)).isEqualTo(model.get(probe)[1]);
                } else {
                    assertThat(-at - 1).isEqualTo(model.headMap(probe).size());
                }
            }
        }
    }

    @Test
    void flagsStayWithTheirIdThroughShifts() {
        ReplayWindow w = new ReplayWindow(16);
        w.add(400, 1, 1);
        w.add(100, 0, 0);
        w.addFlags(400, 8);
        w.add(200, 0, 0);
        assertThat(w.flagsAt(w.indexOf(400))).isEqualTo(9);
        assertThat(w.flagsAt(w.indexOf(100))).isZero();
    }
}
