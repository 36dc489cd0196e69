package io.mtgate.session;

import java.util.Arrays;

/**
 * The client msg_ids a session remembers (checklist 3.4): id, seqno and flags in parallel ring
 * arrays kept in ascending id order, at most {@code capacity} entries, the lowest id dropped first.
 * Arrays instead of a tree map: about 13 bytes per remembered message instead of ~90, and no
 * allocation per message once grown, which matters because every message of every session passes
 * through here. They start small and double, so an idle session costs little.
 *
 * <p>A ring, because ids nearly always arrive in ascending order: once the window is full, a new
 * id is appended at the tail and the lowest dropped at the head, both O(1) (a flat array shifted
 * all {@code capacity} entries of three arrays on every message). Lookups check the newest id
 * before searching, as most of them concern the message just received. An id arriving out of order
 * moves only the entries above it. Indexes given out ({@link #indexOf}) are logical: 0 is the
 * lowest id. Not thread-safe (guarded by the session).
 */
final class ReplayWindow {
    private static final int INITIAL = 4;

    private final int capacity;
    private long[] ids = new long[INITIAL];
    private int[] seqnos = new int[INITIAL];
    private byte[] flags = new byte[INITIAL];
    private int head;
    private int size;
    private boolean evicted;

    ReplayWindow(int capacity) {
        this.capacity = capacity;
    }

    /** Physical slot of logical index {@code i} (array lengths are powers of two). */
    private int slot(int i) {
        return (head + i) & (ids.length - 1);
    }

    /**
     * Logical index of {@code msgId}, or {@code -(insertion point) - 1} when it is not remembered
     * (as {@link Arrays#binarySearch}).
     */
    int indexOf(long msgId) {
        if (size == 0) {
            return -1;
        }
        long newest = ids[slot(size - 1)];
        if (msgId >= newest) {
            return msgId == newest ? size - 1 : -size - 1;
        }
        int lo = 0;
        int hi = size - 2;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = ids[slot(mid)];
            if (v < msgId) {
                lo = mid + 1;
            } else if (v > msgId) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    boolean contains(long msgId) {
        return indexOf(msgId) >= 0;
    }

    int seqnoAt(int index) {
        return seqnos[slot(index)];
    }

    int flagsAt(int index) {
        return flags[slot(index)] & 0xff;
    }

    /** Adds flags to a remembered id (no-op when it is not remembered). */
    void addFlags(long msgId, int f) {
        int i = indexOf(msgId);
        if (i >= 0) {
            flags[slot(i)] |= (byte) f;
        }
    }

    /** Returned by {@link #seqnoBefore} and {@link #seqnoAfter} when there is no such id. */
    static final long NONE = Long.MIN_VALUE;

    /** Seqno of the highest remembered id below {@code msgId}, or {@link #NONE}. */
    long seqnoBefore(long msgId) {
        int i = indexOf(msgId);
        int below = i >= 0 ? i - 1 : -i - 2;
        return below >= 0 ? seqnos[slot(below)] : NONE;
    }

    /** Seqno of the lowest remembered id above {@code msgId}, or {@link #NONE}. */
    long seqnoAfter(long msgId) {
        int i = indexOf(msgId);
        int above = i >= 0 ? i + 1 : -i - 1;
        return above < size ? seqnos[slot(above)] : NONE;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long first() {
        return ids[slot(0)];
    }

    long last() {
        return ids[slot(size - 1)];
    }

    /** True once an id has been dropped to make room: ids below {@link #first()} are unknowable. */
    boolean evicted() {
        return evicted;
    }

    /** Remembers a new id (callers check {@link #contains} first). */
    void add(long msgId, int seqno, int f) {
        int pos = indexOf(msgId);
        if (pos >= 0) {
            seqnos[slot(pos)] = seqno;
            flags[slot(pos)] = (byte) f;
            return;
        }
        pos = -pos - 1;
        if (size == capacity) {
            evicted = true;
            if (pos == 0) {
                return; // the new id would be the lowest, the one to drop: nothing changes
            }
            head = slot(1); // drop the lowest id
            size--;
            pos--;
        } else if (size == ids.length) {
            grow();
        }
        // move the entries at and above pos up by one (none when appending, the usual case)
        for (int i = size; i > pos; i--) {
            int to = slot(i);
            int from = slot(i - 1);
            ids[to] = ids[from];
            seqnos[to] = seqnos[from];
            flags[to] = flags[from];
        }
        int at = slot(pos);
        ids[at] = msgId;
        seqnos[at] = seqno;
        flags[at] = (byte) f;
        size++;
    }

    /** Doubles the arrays (a power of two, so that a full window of {@code capacity} fits), unrolling the ring. */
    private void grow() {
        int grown = ids.length * 2;
        long[] i2 = new long[grown];
        int[] s2 = new int[grown];
        byte[] f2 = new byte[grown];
        for (int i = 0; i < size; i++) {
            int s = slot(i);
            i2[i] = ids[s];
            s2[i] = seqnos[s];
            f2[i] = flags[s];
        }
        ids = i2;
        seqnos = s2;
        flags = f2;
        head = 0;
    }
}
