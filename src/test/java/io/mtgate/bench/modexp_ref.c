/* Reference for docs/PERFORMANCE.md "Handshake": 2048-bit modexp rate with OpenSSL libcrypto,
 * g_b^a mod p over Telegram's dh_prime with a random exponent a < p (2048 bits, what the MTProto
 * server computes per handshake). Single thread, process CPU time.
 *   gcc -O2 -o /tmp/modexp_ref src/test/java/io/mtgate/bench/modexp_ref.c -lcrypto
 *   /tmp/modexp_ref plain 3   # BN_mod_exp, variable time (like Java's BigInteger.modPow)
 *   /tmp/modexp_ref ct 3      # BN_mod_exp_mont_consttime (what OpenSSL's DH uses for secrets)
 * (`openssl speed ffdh2048` is not comparable: its private exponents are ~225 bits.) */
#include <stdlib.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
static const char *P =
 "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f"
 "48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37"
 "20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64"
 "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4"
 "a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754"
 "fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4"
 "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f"
 "0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b";
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
    int ct = argc > 1 && strcmp(argv[1], "ct") == 0;
    double secs = argc > 2 ? atof(argv[2]) : 3.0;
    BN_CTX *ctx = BN_CTX_new(); BN_MONT_CTX *mont = BN_MONT_CTX_new();
    BIGNUM *p = NULL, *a = BN_new(), *gb = BN_new(), *r = BN_new(), *three = BN_new();
    BN_hex2bn(&p, P); BN_MONT_CTX_set(mont, p, ctx); BN_set_word(three, 3);
    BN_priv_rand_range(a, p); if (ct) BN_set_flags(a, BN_FLG_CONSTTIME);
    BN_rand_range(gb, p); BN_mod_exp(gb, three, gb, p, ctx);
    long n = 0; double t0 = cpu(), t;
    do {
        for (int i = 0; i < 20; i++, n++) {
            if (ct) BN_mod_exp_mont_consttime(r, gb, a, p, ctx, mont); else BN_mod_exp(r, gb, a, p, ctx);
        }
        t = cpu() - t0;
    } while (t < secs);
    printf("%s 2048-bit modexp (2048-bit exponent): %ld ops in %.2f s CPU = %.0f ops/s, %.1f us/op\n",
           ct ? "BN_mod_exp_mont_consttime" : "BN_mod_exp", n, t, n / t, t / n * 1e6);
    return 0;
}
