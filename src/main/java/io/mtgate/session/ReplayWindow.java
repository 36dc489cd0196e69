package io.mtgate.session;

import java.util.Arrays;

/**
 * The client msg_ids a session remembers (checklist 3.4): sorted parallel arrays of id, seqno and
 * flags, at most {@code capacity} entries, the lowest id dropped first. Arrays instead of a tree
 * map: about 13 bytes per remembered message instead of ~90, and no allocation per message once
 * grown, which matters because every message of every session passes through here. They start
 * small and double, so an idle session costs little. Not thread-safe (guarded by the session).
 */
final class ReplayWindow {
    private static final int INITIAL = 4;

    private final int capacity;
    private long[] ids = new long[INITIAL];
    private int[] seqnos = new int[INITIAL];
    private byte[] flags = new byte[INITIAL];
    private int size;
    private boolean evicted;

    ReplayWindow(int capacity) {
        this.capacity = capacity;
    }

    /** Index of {@code msgId}, or a negative value when it is not remembered. */
    int indexOf(long msgId) {
        return Arrays.binarySearch(ids, 0, size, msgId);
    }

    boolean contains(long msgId) {
        return indexOf(msgId) >= 0;
    }

    int seqnoAt(int index) {
        return seqnos[index];
    }

    int flagsAt(int index) {
        return flags[index] & 0xff;
    }

    /** Adds flags to a remembered id (no-op when it is not remembered). */
    void addFlags(long msgId, int f) {
        int i = indexOf(msgId);
        if (i >= 0) {
            flags[i] |= (byte) f;
        }
    }

    /** Returned by {@link #seqnoBefore} and {@link #seqnoAfter} when there is no such id. */
    static final long NONE = Long.MIN_VALUE;

    /** Seqno of the highest remembered id below {@code msgId}, or {@link #NONE}. */
    long seqnoBefore(long msgId) {
        int i = indexOf(msgId);
        int below = i >= 0 ? i - 1 : -i - 2;
        return below >= 0 ? seqnos[below] : NONE;
    }

    /** Seqno of the lowest remembered id above {@code msgId}, or {@link #NONE}. */
    long seqnoAfter(long msgId) {
        int i = indexOf(msgId);
        int above = i >= 0 ? i + 1 : -i - 1;
        return above < size ? seqnos[above] : NONE;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long first() {
        return ids[0];
    }

    long last() {
        return ids[size - 1];
    }

    /** True once an id has been dropped to make room: ids below {@link #first()} are unknowable. */
    boolean evicted() {
        return evicted;
    }

    /** Remembers a new id (callers check {@link #contains} first). */
    void add(long msgId, int seqno, int f) {
        int pos = indexOf(msgId);
        if (pos >= 0) {
            seqnos[pos] = seqno;
            flags[pos] = (byte) f;
            return;
        }
        pos = -pos - 1;
        if (size == capacity) {
            evicted = true;
            if (pos == 0) {
                return; // the new id would be the lowest, the one to drop: nothing changes
            }
            // drop the lowest id
            System.arraycopy(ids, 1, ids, 0, size - 1);
            System.arraycopy(seqnos, 1, seqnos, 0, size - 1);
            System.arraycopy(flags, 1, flags, 0, size - 1);
            size--;
            pos--;
        } else if (size == ids.length) {
            int grown = Math.min(capacity, ids.length * 2);
            ids = Arrays.copyOf(ids, grown);
            seqnos = Arrays.copyOf(seqnos, grown);
            flags = Arrays.copyOf(flags, grown);
        }
        System.arraycopy(ids, pos, ids, pos + 1, size - pos);
        System.arraycopy(seqnos, pos, seqnos, pos + 1, size - pos);
        System.arraycopy(flags, pos, flags, pos + 1, size - pos);
        ids[pos] = msgId;
        seqnos[pos] = seqno;
        flags[pos] = (byte) f;
        size++;
    }
}
