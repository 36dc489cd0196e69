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

/* Bumped whenever a native signature or semantics change; NativeAesIge checks it. */
#define MTGATE_IGE_ABI 1
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
