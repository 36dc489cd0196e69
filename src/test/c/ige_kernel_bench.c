/*
 * C-level throughput of the IGE kernel in src/main/c/mtgate_ige.c without JNI, including the key
 * schedule per message. Prints wall-clock and per-CPU-second rates: `openssl speed` measures user
 * CPU time by default (`-elapsed` for wall clock), which matters on a loaded machine.
 * Build and run (from the repository root):
 *   gcc -O2 -maes -msse4.1 -I$JAVA_HOME/include -I$JAVA_HOME/include/linux \
 *       -o /tmp/ige_kernel_bench src/test/c/ige_kernel_bench.c && /tmp/ige_kernel_bench [seconds]
 */
#include "../../main/c/mtgate_ige.c"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    static uint8_t key[32], iv[32], buf[262144], out[262144];
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t) (i * 7 + 3);
    }
    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t) i;
        iv[i] = (uint8_t) (i * 3);
    }
    const size_t sizes[] = {64, 1024, 16384, 262144};
    for (int dir = 0; dir < 2; dir++) {
        for (int si = 0; si < 4; si++) {
            size_t n = sizes[si];
            long ops = 0;
            double t0 = now(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), t;
            do {
                for (int r = 0; r < 64; r++) {
                    __m128i ks[15];
                    expand_enc_key(key, ks);
                    __m128i lo = LOAD(iv), hi = LOAD(iv + 16);
                    if (dir == 0) {
                        ige_encrypt_blocks(ks, buf, out, n / 16, &lo, &hi);
                    } else {
                        enc_to_dec_key(ks);
                        ige_decrypt_blocks(ks, buf, out, n / 16, &lo, &hi);
                    }
                    ops++;
                }
                t = now() - t0;
            } while (t < secs);
            double c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
            printf("%s %6zu B: %10.0f ops/s %8.1f MB/s wall-clock, %8.1f MB/s per CPU second\n",
                   dir == 0 ? "encrypt" : "decrypt", n, ops / t, ops * (double) n / t / 1e6, ops * (double) n / c / 1e6);
        }
    }
    return out[0] == 0x42 ? 1 : 0;
}
