package io.mtgate.loadgen;

/**
 * Latencies in microseconds: exact below 2,048 µs, then 64 sub-buckets per power of two (≤ 1.6 %
 * error). Not thread-safe: one per event loop, merged at the end.
 */
final class LatencyHistogram {
    private static final int LINEAR = 2048;
    private static final int SUB = 64;
    private final long[] counts = new long[LINEAR + SUB * 40];
    private long total;
    private long max;
    private double sum;

    void record(long micros) {
        if (micros < 0) {
            micros = 0;
        }
        counts[index(micros)]++;
        total++;
        sum += micros;
        if (micros > max) {
            max = micros;
        }
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int log = 63 - Long.numberOfLeadingZeros(v); // >= 11
        int sub = (int) ((v >>> (log - 6)) & (SUB - 1));
        return Math.min(LINEAR + (log - 11) * SUB + sub, LINEAR + SUB * 40 - 1);
    }

    /** Upper bound of bucket i (the value reported for a percentile in that bucket). */
    static long valueOf(int i) {
        if (i < LINEAR) {
            return i;
        }
        int log = (i - LINEAR) / SUB + 11;
        int sub = (i - LINEAR) % SUB;
        return ((long) (SUB + sub + 1) << (log - 6)) - 1;
    }

    void add(LatencyHistogram o) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += o.counts[i];
        }
        total += o.total;
        sum += o.sum;
        max = Math.max(max, o.max);
    }

    long count() {
        return total;
    }

    double mean() {
        return total == 0 ? 0 : sum / total;
    }

    long max() {
        return max;
    }

    long percentile(double p) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p / 100.0 * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(valueOf(i), max);
            }
        }
        return max;
    }
}
