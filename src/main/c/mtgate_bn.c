/*
 * Constant-time modular exponentiation for the DH step of the auth-key handshake, through
 * libcrypto's BN_mod_exp_mont_consttime. Java's BigInteger.modPow is both slower (about 0.7x)
 * and not constant-time in the exponent, which here is the server's secret DH exponent.
 *
 * Built only where libcrypto's headers exist (src/main/c/build.sh); otherwise io.mtgate.crypto.Dh
 * keeps using BigInteger.
 */
#include <jni.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>

#define MTGATE_BN_ABI 1
#define MAX_BYTES 1024

JNIEXPORT jint JNICALL Java_io_mtgate_crypto_NativeModPow_abiVersion0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return MTGATE_BN_ABI;
}

static void throw_new(JNIEnv *env, const char *cls, const char *msg) {
    jclass c = (*env)->FindClass(env, cls);
    if (c != NULL) {
        (*env)->ThrowNew(env, c, msg);
    }
}

/* base^exp mod mod, all big-endian unsigned; the result is left-padded to the modulus length. */
JNIEXPORT jbyteArray JNICALL Java_io_mtgate_crypto_NativeModPow_modPow0(JNIEnv *env, jclass cls,
        jbyteArray base, jbyteArray exp, jbyteArray mod) {
    (void) cls;
    jsize bl = (*env)->GetArrayLength(env, base);
    jsize el = (*env)->GetArrayLength(env, exp);
    jsize ml = (*env)->GetArrayLength(env, mod);
    if (ml < 1 || ml > MAX_BYTES || bl > MAX_BYTES || el < 1 || el > MAX_BYTES) {
        throw_new(env, "java/lang/IllegalArgumentException", "modPow operand size out of range");
        return NULL;
    }
    unsigned char buf[MAX_BYTES];
    jbyteArray result = NULL;
    BN_CTX *ctx = BN_CTX_new();
    BN_MONT_CTX *mont = BN_MONT_CTX_new();
    BIGNUM *b = BN_new(), *e = BN_new(), *m = BN_new(), *r = BN_new();
    if (ctx == NULL || mont == NULL || b == NULL || e == NULL || m == NULL || r == NULL) {
        throw_new(env, "java/lang/OutOfMemoryError", "libcrypto allocation failed");
        goto done;
    }
    (*env)->GetByteArrayRegion(env, mod, 0, ml, (jbyte *) buf);
    BN_bin2bn(buf, ml, m);
    (*env)->GetByteArrayRegion(env, base, 0, bl, (jbyte *) buf);
    BN_bin2bn(buf, bl, b);
    (*env)->GetByteArrayRegion(env, exp, 0, el, (jbyte *) buf);
    BN_bin2bn(buf, el, e);
    BN_set_flags(e, BN_FLG_CONSTTIME);
    if (!BN_is_odd(m) || BN_is_one(m)) {
        throw_new(env, "java/lang/IllegalArgumentException", "modulus must be odd and greater than 1");
        goto done;
    }
    if (!BN_MONT_CTX_set(mont, m, ctx) || !BN_mod_exp_mont_consttime(r, b, e, m, ctx, mont)
            || BN_bn2binpad(r, buf, ml) != ml) {
        throw_new(env, "java/lang/IllegalStateException", "libcrypto modexp failed");
        goto done;
    }
    result = (*env)->NewByteArray(env, ml);
    if (result != NULL) {
        (*env)->SetByteArrayRegion(env, result, 0, ml, (const jbyte *) buf);
    }
done:
    OPENSSL_cleanse(buf, sizeof buf);
    BN_clear_free(e);
    BN_clear_free(r);
    BN_free(b);
    BN_free(m);
    BN_MONT_CTX_free(mont);
    BN_CTX_free(ctx);
    return result;
}
