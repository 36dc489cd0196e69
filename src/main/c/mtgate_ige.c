/*
 * mtgate_ige.c - AES-256-IGE with AES-NI, called from io.mtgate.crypto.NativeAesIge (JNI).
 *
 * IGE (as in MTProto and OpenSSL's AES_ige_encrypt), IV = y_prev(16) || x_prev(16):
 *   encrypt: c_j = E(p_j ^ c_{j-1}) ^ p_{j-1}     (c_{-1} = iv[0..16), p_{-1} = iv[16..32))
 *   decrypt: p_j = D(c_j ^ p_{j-1}) ^ c_{j-1}     (same IV layout)
 *
 * The chain runs through one AES call per block. The two xors around it are folded into the
 * round keys, so the dependency chain per block is exactly the 14 AES round instructions (the
 * same as CBC encryption):
 *   encrypt, whitened state s_j = p_j ^ c_{j-1} ^ k0:
 *     s_{j+1} = aesenclast(rounds(s_j), k14 ^ k0 ^ p_{j-1} ^ p_{j+1})   and c_j = s_{j+1} ^ p_{j+1} ^ k0
 *   decrypt, whitened state s_j = c_j ^ p_{j-1} ^ d0:
 *     s_{j+1} = aesdeclast(rounds(s_j), d14 ^ d0 ^ c_{j-1} ^ c_{j+1})   and p_j = s_{j+1} ^ c_{j+1} ^ d0
 * (aesenclast/aesdeclast end with "xor round key", so any value xored into that key lands in the
 * output.) The last block of a run has no successor and uses the plain last round key.
 *
 * Every block loads its successor before it stores its own output, and never reads input bytes
 * below the current block, so in == out (same offset) and out < in overlaps are safe. The Java side
 * copies the input for the remaining overlap (out > in) and validates all lengths and offsets; the
 * entry point re-checks them and throws IllegalStateException instead of touching memory.
 *
 * Constant time: AES-NI has no data-dependent timing, there are no tables and no branches on data.
 * Key material copied to the stack (raw key, round keys) is wiped before returning.
 *
 * Build: gcc -O2 -maes -msse4.1 -fPIC -shared (see build.sh). Callers must check
 * cpuSupported0() first: the kernel uses AES-NI instructions unconditionally.
 */
#include <jni.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <cpuid.h>
#include <wmmintrin.h> /* AES-NI */
#include <emmintrin.h> /* SSE2 */
#include <immintrin.h> /* SHA-NI, SSSE3, SSE4.1 */

/* Bumped whenever a native signature or semantics change; NativeAesIge checks it. */
#define MTGATE_IGE_ABI 4
#define DEFAULT_CHUNK (64 * 1024)
/* Up to this many bytes are copied to the stack instead of pinned (fewer JNI calls, no GC lock). */
#define SMALL 1024

static volatile int cpu_ok = 0;

/* ---- wiping ------------------------------------------------------------------------------ */

static void wipe(void *p, size_t n)
{
    memset(p, 0, n);
    /* The asm "reads" p's memory, so the compiler cannot drop the memset as a dead store. */
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

/* ---- key schedule ------------------------------------------------------------------------ */

/* w' = w ^ (w << 32) ^ (w << 64) ^ (w << 96) ^ t : the running xor of the previous 8 words. */
static inline __m128i sched_mix(__m128i w, __m128i t)
{
    w = _mm_xor_si128(w, _mm_slli_si128(w, 4));
    w = _mm_xor_si128(w, _mm_slli_si128(w, 4));
    w = _mm_xor_si128(w, _mm_slli_si128(w, 4));
    return _mm_xor_si128(w, t);
}

/* Even round keys: SubWord(RotWord(last word)) ^ rcon; odd: SubWord(last word). */
#define EVEN_KEY(i, rcon) \
    rk[i] = sched_mix(rk[(i) - 2], _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[(i) - 1], rcon), 0xff))
#define ODD_KEY(i) \
    rk[i] = sched_mix(rk[(i) - 2], _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[(i) - 1], 0), 0xaa))

static void expand_enc_key(const uint8_t key[32], __m128i rk[15])
{
    rk[0] = _mm_loadu_si128((const __m128i *) key);
    rk[1] = _mm_loadu_si128((const __m128i *) (key + 16));
    EVEN_KEY(2, 0x01);
    ODD_KEY(3);
    EVEN_KEY(4, 0x02);
    ODD_KEY(5);
    EVEN_KEY(6, 0x04);
    ODD_KEY(7);
    EVEN_KEY(8, 0x08);
    ODD_KEY(9);
    EVEN_KEY(10, 0x10);
    ODD_KEY(11);
    EVEN_KEY(12, 0x20);
    ODD_KEY(13);
    EVEN_KEY(14, 0x40);
}

/* Equivalent inverse cipher: reverse the order, InvMixColumns (aesimc) on the inner keys. */
static void enc_to_dec_key(__m128i rk[15])
{
    for (int i = 0; i < 7; i++) {
        __m128i t = rk[i];
        rk[i] = rk[14 - i];
        rk[14 - i] = t;
    }
    for (int i = 1; i < 14; i++) {
        rk[i] = _mm_aesimc_si128(rk[i]);
    }
}

/* ---- IGE over whole blocks ---------------------------------------------------------------- */

#define ROUNDS13(op, s, k)                                                                       \
    do {                                                                                         \
        s = op(s, k[1]); s = op(s, k[2]); s = op(s, k[3]); s = op(s, k[4]); s = op(s, k[5]);     \
        s = op(s, k[6]); s = op(s, k[7]); s = op(s, k[8]); s = op(s, k[9]); s = op(s, k[10]);    \
        s = op(s, k[11]); s = op(s, k[12]); s = op(s, k[13]);                                    \
    } while (0)

#define LOAD(p) _mm_loadu_si128((const __m128i *) (p))
#define STORE(p, v) _mm_storeu_si128((__m128i *) (p), v)
#define XOR _mm_xor_si128

/*
 * nblocks >= 1. *chain_out = c_{-1} (encrypt) / c_{-1} (decrypt) i.e. iv[0..16);
 * *chain_in = p_{-1} (encrypt) / p_{-1} (decrypt) i.e. iv[16..32). Both are updated so that the
 * next call continues the stream.
 */
static void ige_encrypt_blocks(const __m128i k[15], const uint8_t *in, uint8_t *out, size_t nblocks,
                               __m128i *iv_lo, __m128i *iv_hi)
{
    const __m128i k0 = k[0], k14 = k[14], k14k0 = XOR(k[14], k[0]);
    __m128i prev_in = *iv_hi; /* p_{j-1} */
    __m128i x = LOAD(in);     /* p_j */
    __m128i s = XOR(XOR(x, *iv_lo), k0);
    size_t j = 0;
    for (; j + 1 < nblocks; j++) {
        __m128i xn = LOAD(in + 16 * (j + 1));
        __m128i last = XOR(k14k0, XOR(prev_in, xn));
        ROUNDS13(_mm_aesenc_si128, s, k);
        s = _mm_aesenclast_si128(s, last);        /* c_j ^ p_{j+1} ^ k0 */
        STORE(out + 16 * j, XOR(s, XOR(xn, k0))); /* c_j */
        prev_in = x;
        x = xn;
    }
    ROUNDS13(_mm_aesenc_si128, s, k);
    s = _mm_aesenclast_si128(s, XOR(k14, prev_in));
    STORE(out + 16 * j, s);
    *iv_lo = s;
    *iv_hi = x;
}

static void ige_decrypt_blocks(const __m128i d[15], const uint8_t *in, uint8_t *out, size_t nblocks,
                               __m128i *iv_lo, __m128i *iv_hi)
{
    const __m128i d0 = d[0], d14 = d[14], d14d0 = XOR(d[14], d[0]);
    __m128i prev_in = *iv_lo; /* c_{j-1} */
    __m128i c = LOAD(in);     /* c_j */
    __m128i s = XOR(XOR(c, *iv_hi), d0);
    size_t j = 0;
    for (; j + 1 < nblocks; j++) {
        __m128i cn = LOAD(in + 16 * (j + 1));
        __m128i last = XOR(d14d0, XOR(prev_in, cn));
        ROUNDS13(_mm_aesdec_si128, s, d);
        s = _mm_aesdeclast_si128(s, last);        /* p_j ^ c_{j+1} ^ d0 */
        STORE(out + 16 * j, XOR(s, XOR(cn, d0))); /* p_j */
        prev_in = c;
        c = cn;
    }
    ROUNDS13(_mm_aesdec_si128, s, d);
    s = _mm_aesdeclast_si128(s, XOR(d14, prev_in));
    STORE(out + 16 * j, s);
    *iv_lo = c;
    *iv_hi = s;
}

/* ---- JNI ------------------------------------------------------------------------------------ */

static void throw_new(JNIEnv *env, const char *cls, const char *msg)
{
    jclass c = (*env)->FindClass(env, cls);
    if (c != NULL) {
        (*env)->ThrowNew(env, c, msg);
    }
}

JNIEXPORT jint JNICALL Java_io_mtgate_crypto_NativeAesIge_abiVersion0(JNIEnv *env, jclass cls)
{
    (void) env;
    (void) cls;
    return MTGATE_IGE_ABI;
}

/* AES-NI (CPUID.1:ECX bit 25) and SSE4.1 (bit 19, allowed by -msse4.1) are required. */
JNIEXPORT jboolean JNICALL Java_io_mtgate_crypto_NativeAesIge_cpuSupported0(JNIEnv *env, jclass cls)
{
    unsigned int a = 0, b = 0, c = 0, d = 0;
    (void) env;
    (void) cls;
    if (!__get_cpuid(1, &a, &b, &c, &d)) {
        return JNI_FALSE;
    }
    int ok = (c & bit_AES) != 0 && (c & bit_SSE4_1) != 0 && (d & bit_SSE2) != 0;
    cpu_ok = ok;
    return ok ? JNI_TRUE : JNI_FALSE;
}

static int range_ok(jint off, jint len, jsize size)
{
    return off >= 0 && len >= 0 && (jlong) off + (jlong) len <= (jlong) size;
}

/*
 * ige0(encrypt, key[32], iv[32], in, inOff, out, outOff, len, chunk): the whole buffer, pinning the
 * arrays for at most `chunk` bytes at a time so that a long input does not hold off the GC.
 */
JNIEXPORT void JNICALL Java_io_mtgate_crypto_NativeAesIge_ige0(JNIEnv *env, jclass cls, jboolean encrypt,
                                                              jbyteArray key, jbyteArray iv,
                                                              jbyteArray in, jint inOff,
                                                              jbyteArray out, jint outOff,
                                                              jint len, jint chunk)
{
    (void) cls;
    if (!cpu_ok) {
        throw_new(env, "java/lang/IllegalStateException", "mtgate_ige: AES-NI not verified (call cpuSupported0)");
        return;
    }
    if (key == NULL || iv == NULL || in == NULL || out == NULL || len < 0 || (len & 15) != 0) {
        throw_new(env, "java/lang/IllegalStateException", "mtgate_ige: invalid arguments reached native code");
        return;
    }
    if (len <= SMALL) {
        /*
         * Small message: two region copies instead of pinning (each JNI call costs a few ns, which
         * is a large part of a 64-byte message). Get/SetByteArrayRegion are bounds-checked by the
         * JVM, which doubles as the defence-in-depth check here.
         */
        uint8_t kb[32];
        uint8_t ivb[32];
        uint8_t buf[SMALL];
        __m128i ks[15];
        (*env)->GetByteArrayRegion(env, key, 0, 32, (jbyte *) kb);
        (*env)->GetByteArrayRegion(env, iv, 0, 32, (jbyte *) ivb);
        (*env)->GetByteArrayRegion(env, in, inOff, len, (jbyte *) buf);
        int bad = (*env)->ExceptionCheck(env);
        if (!bad && len > 0) {
            __m128i iv_lo = LOAD(ivb);
            __m128i iv_hi = LOAD(ivb + 16);
            expand_enc_key(kb, ks);
            if (encrypt) {
                ige_encrypt_blocks(ks, buf, buf, (size_t) len / 16, &iv_lo, &iv_hi);
            } else {
                enc_to_dec_key(ks);
                ige_decrypt_blocks(ks, buf, buf, (size_t) len / 16, &iv_lo, &iv_hi);
            }
            wipe(ks, sizeof ks);
            (*env)->SetByteArrayRegion(env, out, outOff, len, (const jbyte *) buf);
            bad = (*env)->ExceptionCheck(env);
        }
        wipe(kb, sizeof kb);
        wipe(ivb, sizeof ivb);
        wipe(buf, (size_t) len);
        if (bad) {
            (*env)->ExceptionClear(env);
            throw_new(env, "java/lang/IllegalStateException", "mtgate_ige: invalid arguments reached native code");
        }
        return;
    }
    /*
     * Defence in depth: the Java side has validated all of this already. What guards memory is
     * re-checked: the ranges of in/out (pinned below); key and iv go through GetByteArrayRegion,
     * which is bounds-checked by the JVM.
     */
    if (!range_ok(inOff, len, (*env)->GetArrayLength(env, in))
            || !range_ok(outOff, len, (*env)->GetArrayLength(env, out))) {
        throw_new(env, "java/lang/IllegalStateException", "mtgate_ige: invalid arguments reached native code");
        return;
    }
    if (len == 0) {
        return;
    }
    if (chunk < 16 || chunk > DEFAULT_CHUNK * 16) {
        chunk = DEFAULT_CHUNK;
    }
    chunk &= ~15;

    uint8_t kb[32];
    uint8_t ivb[32];
    __m128i ks[15];
    (*env)->GetByteArrayRegion(env, key, 0, 32, (jbyte *) kb);
    (*env)->GetByteArrayRegion(env, iv, 0, 32, (jbyte *) ivb);
    if ((*env)->ExceptionCheck(env)) { /* key or iv shorter than 32 bytes */
        wipe(kb, sizeof kb);
        wipe(ivb, sizeof ivb);
        (*env)->ExceptionClear(env);
        throw_new(env, "java/lang/IllegalStateException", "mtgate_ige: invalid arguments reached native code");
        return;
    }
    expand_enc_key(kb, ks);
    wipe(kb, sizeof kb);
    if (!encrypt) {
        enc_to_dec_key(ks);
    }
    __m128i iv_lo = LOAD(ivb);
    __m128i iv_hi = LOAD(ivb + 16);
    wipe(ivb, sizeof ivb);

    /*
     * Both arrays are pinned even when they are the same object (nested critical regions are
     * allowed). Should a JVM hand out copies instead, "in" is read from its own copy and only "out"
     * is copied back (mode 0 vs JNI_ABORT), so in-place still works.
     */
    for (jint done = 0; done < len;) {
        jint n = len - done < chunk ? len - done : chunk;
        uint8_t *pin = (uint8_t *) (*env)->GetPrimitiveArrayCritical(env, in, NULL);
        if (pin == NULL) {
            break; /* OutOfMemoryError pending */
        }
        uint8_t *pout = (uint8_t *) (*env)->GetPrimitiveArrayCritical(env, out, NULL);
        if (pout == NULL) {
            (*env)->ReleasePrimitiveArrayCritical(env, in, pin, JNI_ABORT);
            break;
        }
        if (encrypt) {
            ige_encrypt_blocks(ks, pin + inOff + done, pout + outOff + done, (size_t) n / 16, &iv_lo, &iv_hi);
        } else {
            ige_decrypt_blocks(ks, pin + inOff + done, pout + outOff + done, (size_t) n / 16, &iv_lo, &iv_hi);
        }
        (*env)->ReleasePrimitiveArrayCritical(env, out, pout, 0);
        (*env)->ReleasePrimitiveArrayCritical(env, in, pin, JNI_ABORT);
        done += n;
    }
    wipe(ks, sizeof ks);
}

/* ---- SHA-256 with the SHA extensions (SHA-NI) ---------------------------------------------- */

static volatile int sha_ok = 0;

static const uint32_t SHA256_K[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

typedef struct {
    uint32_t h[8];
    uint8_t buf[64];
    size_t buflen;
    uint64_t total;
} sha256_ctx;

/* The compression function over nblocks 64-byte blocks (the usual SHA-NI schedule). */
__attribute__((target("sha,ssse3,sse4.1")))
static void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *) &h[0]);
    __m128i st1 = _mm_loadu_si128((const __m128i *) &h[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xb1);          /* CDAB */
    st1 = _mm_shuffle_epi32(st1, 0x1b);          /* EFGH */
    __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);  /* ABEF */
    st1 = _mm_blend_epi16(st1, tmp, 0xf0);       /* CDGH */
    for (; nblocks > 0; nblocks--, p += 64) {
        const __m128i abef = st0, cdgh = st1;
        __m128i m[4];
        m[0] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 0)), bswap);
        m[1] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 16)), bswap);
        m[2] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 32)), bswap);
        m[3] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 48)), bswap);
#pragma GCC unroll 16
        for (int g = 0; g < 16; g++) {
            __m128i cur = m[g & 3];
            __m128i msg = _mm_add_epi32(cur, _mm_load_si128((const __m128i *) &SHA256_K[4 * g]));
            st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
            if (g >= 3 && g < 15) { /* W for group g+1: msg2(w + alignr(cur, prev)) */
                __m128i t = _mm_alignr_epi8(cur, m[(g - 1) & 3], 4);
                m[(g + 1) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(m[(g + 1) & 3], t), cur);
            }
            msg = _mm_shuffle_epi32(msg, 0x0e);
            st0 = _mm_sha256rnds2_epu32(st0, st1, msg);
            if (g >= 1 && g < 13) {
                m[(g - 1) & 3] = _mm_sha256msg1_epu32(m[(g - 1) & 3], cur);
            }
        }
        st0 = _mm_add_epi32(st0, abef);
        st1 = _mm_add_epi32(st1, cdgh);
    }
    tmp = _mm_shuffle_epi32(st0, 0x1b);          /* FEBA */
    st1 = _mm_shuffle_epi32(st1, 0xb1);          /* DCHG */
    st0 = _mm_blend_epi16(tmp, st1, 0xf0);       /* DCBA */
    st1 = _mm_alignr_epi8(st1, tmp, 8);          /* HGFE */
    _mm_storeu_si128((__m128i *) &h[0], st0);
    _mm_storeu_si128((__m128i *) &h[4], st1);
}

static void sha256_init(sha256_ctx *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->buflen = 0;
    c->total = 0;
}

static void sha256_update(sha256_ctx *c, const uint8_t *p, size_t n)
{
    c->total += n;
    if (c->buflen > 0) {
        size_t take = 64 - c->buflen < n ? 64 - c->buflen : n;
        memcpy(c->buf + c->buflen, p, take);
        c->buflen += take;
        p += take;
        n -= take;
        if (c->buflen < 64) {
            return;
        }
        sha256_blocks(c->h, c->buf, 1);
        c->buflen = 0;
    }
    if (n >= 64) {
        sha256_blocks(c->h, p, n / 64);
        p += n & ~(size_t) 63;
        n &= 63;
    }
    memcpy(c->buf, p, n);
    c->buflen = n;
}

static void sha256_final(sha256_ctx *c, uint8_t out[32])
{
    uint64_t bits = c->total * 8;
    c->buf[c->buflen++] = 0x80;
    if (c->buflen > 56) {
        memset(c->buf + c->buflen, 0, 64 - c->buflen);
        sha256_blocks(c->h, c->buf, 1);
        c->buflen = 0;
    }
    memset(c->buf + c->buflen, 0, 56 - c->buflen);
    for (int i = 0; i < 8; i++) {
        c->buf[56 + i] = (uint8_t) (bits >> (56 - 8 * i));
    }
    sha256_blocks(c->h, c->buf, 1);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t) (c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t) (c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t) (c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t) c->h[i];
    }
    wipe(c, sizeof *c);
}

/* SHA-256 of a || b. */
static void sha256_2(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t out[32])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, a, alen);
    sha256_update(&c, b, blen);
    sha256_final(&c, out);
}

/* CPUID: SHA extensions (leaf 7 EBX bit 29) and SSSE3/SSE4.1, besides what cpuSupported0 checks. */
JNIEXPORT jboolean JNICALL Java_io_mtgate_crypto_NativeAesIge_shaSupported0(JNIEnv *env, jclass cls)
{
    unsigned int a = 0, b = 0, c = 0, d = 0;
    (void) env;
    (void) cls;
    if (!cpu_ok || !__get_cpuid(1, &a, &b, &c, &d) || (c & bit_SSSE3) == 0 || (c & bit_SSE4_1) == 0) {
        return JNI_FALSE;
    }
    if (__get_cpuid_max(0, NULL) < 7) {
        return JNI_FALSE;
    }
    __cpuid_count(7, 0, a, b, c, d);
    int ok = (b & (1u << 29)) != 0;
    sha_ok = ok;
    return ok ? JNI_TRUE : JNI_FALSE;
}

/* SHA-256 of data[off, off+len) (for the tests: checks the SHA-NI code against the JDK). */
JNIEXPORT void JNICALL Java_io_mtgate_crypto_NativeAesIge_sha2560(JNIEnv *env, jclass cls, jbyteArray data,
                                                                 jint off, jint len, jbyteArray out)
{
    (void) cls;
    if (!sha_ok || data == NULL || out == NULL || !range_ok(off, len, (*env)->GetArrayLength(env, data))
            || (*env)->GetArrayLength(env, out) < 32) {
        throw_new(env, "java/lang/IllegalStateException", "mtgate_ige: invalid arguments reached native code");
        return;
    }
    uint8_t md[32];
    uint8_t *p = (uint8_t *) (*env)->GetPrimitiveArrayCritical(env, data, NULL);
    if (p == NULL) {
        return;
    }
    sha256_2(p + off, (size_t) len, p, 0, md);
    (*env)->ReleasePrimitiveArrayCritical(env, data, p, JNI_ABORT);
    (*env)->SetByteArrayRegion(env, out, 0, 32, (const jbyte *) md);
}

/*
 * One whole MTProto 2.0 message, packet = auth_key_id(8) | msg_key(16) | data(len - 24), in place,
 * with x = 0 for messages from the client and x = 8 for messages from the server (the server
 * decrypts with 0 and encrypts with 8; a client, such as the load generator, the other way round):
 *   decrypt: KDF from msg_key, AES-IGE decryption of data, then
 *            msg_key_large = SHA256(auth_key[88 + x, 120 + x) | plaintext) -> mkl;
 *   encrypt: msg_key_large = SHA256(auth_key[88 + x, 120 + x) | plaintext) -> mkl, msg_key =
 *            msg_key_large[8, 24) written to the packet, KDF from it, AES-IGE encryption.
 * KDF: a = SHA256(msg_key | auth_key[x, x+36)), b = SHA256(auth_key[40+x, 76+x) | msg_key);
 * key = a[0,8) b[8,24) a[24,32); iv = b[0,8) a[8,24) b[24,32).
 * The msg_key comparison and every length rule stay on the Java side. The packet is pinned once
 * (the Java side sends only packets up to 64 KiB + 24 here: at most ~0.1 ms in the critical region).
 */
/*
 * The crypto of one message on p[0, len) = auth_key_id | msg_key | data, data in place (see
 * envelope0). Writes msg_key_large to large. The caller has checked every length.
 */
static void envelope_core(int encrypt, int x, const uint8_t *ak, uint8_t *p, size_t len, uint8_t large[32])
{
    uint8_t msg_key[16];
    uint8_t a[32];
    uint8_t b[32];
    uint8_t kiv[64]; /* key(32) | iv(32) */
    __m128i ks[15];
    uint8_t *data = p + 24;
    size_t n = len - 24;
    if (encrypt) {
        sha256_2(ak + 88 + x, 32, data, n, large);
        memcpy(p + 8, large + 8, 16);
    }
    memcpy(msg_key, p + 8, 16);
    sha256_2(msg_key, 16, ak + x, 36, a);
    sha256_2(ak + 40 + x, 36, msg_key, 16, b);
    memcpy(kiv, a, 8);
    memcpy(kiv + 8, b + 8, 16);
    memcpy(kiv + 24, a + 24, 8);
    memcpy(kiv + 32, b, 8);
    memcpy(kiv + 40, a + 8, 16);
    memcpy(kiv + 56, b + 24, 8);
    __m128i iv_lo = LOAD(kiv + 32);
    __m128i iv_hi = LOAD(kiv + 48);
    expand_enc_key(kiv, ks);
    if (encrypt) {
        ige_encrypt_blocks(ks, data, data, n / 16, &iv_lo, &iv_hi);
    } else {
        enc_to_dec_key(ks);
        ige_decrypt_blocks(ks, data, data, n / 16, &iv_lo, &iv_hi);
        sha256_2(ak + 88 + x, 32, data, n, large);
    }
    wipe(ks, sizeof ks);
    wipe(kiv, sizeof kiv);
    wipe(a, sizeof a);
    wipe(b, sizeof b);
    wipe(&iv_lo, sizeof iv_lo);
    wipe(&iv_hi, sizeof iv_hi);
    wipe(msg_key, sizeof msg_key);
}

static int envelope_args_ok(jint xArg, jint len)
{
    return cpu_ok && sha_ok && (xArg == 0 || xArg == 8) && len >= 24 + 16 && ((len - 24) & 15) == 0
            && len <= 24 + DEFAULT_CHUNK;
}

JNIEXPORT void JNICALL Java_io_mtgate_crypto_NativeAesIge_envelope0(JNIEnv *env, jclass cls, jboolean encrypt,
                                                                   jint xArg, jbyteArray authKey, jbyteArray packet,
                                                                   jint off, jint len, jbyteArray mkl)
{
    (void) cls;
    if (!envelope_args_ok(xArg, len) || authKey == NULL || packet == NULL || mkl == NULL
            || !range_ok(off, len, (*env)->GetArrayLength(env, packet))
            || (*env)->GetArrayLength(env, authKey) != 256 || (*env)->GetArrayLength(env, mkl) < 32) {
        throw_new(env, "java/lang/IllegalStateException", "mtgate_ige: invalid arguments reached native code");
        return;
    }
    uint8_t ak[256];
    uint8_t large[32];
    (*env)->GetByteArrayRegion(env, authKey, 0, 256, (jbyte *) ak);
    uint8_t *p = (uint8_t *) (*env)->GetPrimitiveArrayCritical(env, packet, NULL);
    if (p == NULL) {
        wipe(ak, sizeof ak);
        return; /* OutOfMemoryError pending */
    }
    envelope_core(encrypt, xArg, ak, p + off, (size_t) len, large);
    (*env)->ReleasePrimitiveArrayCritical(env, packet, p, 0);
    wipe(ak, sizeof ak);
    (*env)->SetByteArrayRegion(env, mkl, 0, 32, (const jbyte *) large);
    wipe(large, sizeof large);
}

/*
 * envelope0 on native memory: buf is a direct ByteBuffer whose first len bytes are the packet
 * (auth_key_id | msg_key | data). Nothing is pinned (direct memory does not move). mkl may be
 * NULL when the caller does not need msg_key_large (encryption writes the msg_key into the packet).
 */
JNIEXPORT void JNICALL Java_io_mtgate_crypto_NativeAesIge_envelopeDirect0(JNIEnv *env, jclass cls, jboolean encrypt,
                                                                         jint xArg, jbyteArray authKey, jobject buf,
                                                                         jint len, jbyteArray mkl)
{
    (void) cls;
    uint8_t *p = buf == NULL ? NULL : (uint8_t *) (*env)->GetDirectBufferAddress(env, buf);
    jlong cap = buf == NULL ? -1 : (*env)->GetDirectBufferCapacity(env, buf);
    if (!envelope_args_ok(xArg, len) || authKey == NULL || p == NULL || cap < len
            || (*env)->GetArrayLength(env, authKey) != 256 || (mkl != NULL && (*env)->GetArrayLength(env, mkl) < 32)
            || (mkl == NULL && !encrypt)) {
        throw_new(env, "java/lang/IllegalStateException", "mtgate_ige: invalid arguments reached native code");
        return;
    }
    uint8_t ak[256];
    uint8_t large[32];
    (*env)->GetByteArrayRegion(env, authKey, 0, 256, (jbyte *) ak);
    envelope_core(encrypt, xArg, ak, p, (size_t) len, large);
    wipe(ak, sizeof ak);
    if (mkl != NULL) {
        (*env)->SetByteArrayRegion(env, mkl, 0, 32, (const jbyte *) large);
    }
    wipe(large, sizeof large);
}
