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
