/*
 * Constant-time modular exponentiation for the DH step of the auth-key handshake, through
 * libcrypto's BN_mod_exp_mont_consttime. Java's BigInteger.modPow is both slower (about 0.7x)
 * and not constant-time in the exponent, which here is the server's secret DH exponent.
 *
 * Built only where libcrypto's headers exist (src/main/c/build.sh); otherwise io.mtgate.crypto.Dh
 * keeps using BigInteger.
 */
#include <jni.h>
#include <stdint.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>

#define MTGATE_BN_ABI 2
#define MAX_BYTES 1024

JNIEXPORT jint JNICALL Java_io_mtgate_crypto_NativeLibcrypto_abiVersion0(JNIEnv *env, jclass cls) {
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
JNIEXPORT jbyteArray JNICALL Java_io_mtgate_crypto_NativeLibcrypto_modPow0(JNIEnv *env, jclass cls,
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

/*
 * RSA private operation without padding (req_DH_params.encrypted_data) through libcrypto's RSA,
 * which uses CRT and blinding. The key is imported once; the handle is an EVP_PKEY pointer owned
 * by the Java RsaKey and freed by rsaFree0.
 */
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

static BIGNUM *bn_from(JNIEnv *env, jbyteArray a) {
    unsigned char buf[MAX_BYTES];
    jsize len = (*env)->GetArrayLength(env, a);
    if (len < 1 || len > MAX_BYTES) {
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, a, 0, len, (jbyte *) buf);
    BIGNUM *r = BN_bin2bn(buf, len, NULL);
    OPENSSL_cleanse(buf, sizeof buf);
    return r;
}

JNIEXPORT jlong JNICALL Java_io_mtgate_crypto_NativeLibcrypto_rsaNew0(JNIEnv *env, jclass cls,
        jbyteArray n, jbyteArray e, jbyteArray d, jbyteArray p, jbyteArray q, jbyteArray dp,
        jbyteArray dq, jbyteArray qinv) {
    (void) cls;
    BIGNUM *bn[8] = {bn_from(env, n), bn_from(env, e), bn_from(env, d), bn_from(env, p),
                     bn_from(env, q), bn_from(env, dp), bn_from(env, dq), bn_from(env, qinv)};
    const char *names[8] = {OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
                            OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
                            OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
                            OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    int ok = bld != NULL;
    for (int i = 0; i < 8 && ok; i++) {
        ok = bn[i] != NULL && OSSL_PARAM_BLD_push_BN(bld, names[i], bn[i]);
    }
    if (ok) {
        params = OSSL_PARAM_BLD_to_param(bld);
        ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
        ok = params != NULL && ctx != NULL && EVP_PKEY_fromdata_init(ctx) > 0
                && EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) > 0;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    for (int i = 0; i < 8; i++) {
        BN_clear_free(bn[i]);
    }
    if (!ok) {
        EVP_PKEY_free(pkey);
        throw_new(env, "java/lang/IllegalStateException", "libcrypto could not import the RSA key");
        return 0;
    }
    return (jlong) (intptr_t) pkey;
}

JNIEXPORT void JNICALL Java_io_mtgate_crypto_NativeLibcrypto_rsaFree0(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    EVP_PKEY_free((EVP_PKEY *) (intptr_t) handle);
}

/* c^d mod n for c < n of exactly the modulus length; the result is left-padded to that length. */
JNIEXPORT jbyteArray JNICALL Java_io_mtgate_crypto_NativeLibcrypto_rsaDecrypt0(JNIEnv *env, jclass cls,
        jlong handle, jbyteArray c) {
    (void) cls;
    EVP_PKEY *pkey = (EVP_PKEY *) (intptr_t) handle;
    jsize len = (*env)->GetArrayLength(env, c);
    if (pkey == NULL || len < 1 || len > MAX_BYTES || len != EVP_PKEY_get_size(pkey)) {
        throw_new(env, "java/lang/IllegalArgumentException", "RSA input size does not match the key");
        return NULL;
    }
    unsigned char in[MAX_BYTES], out[MAX_BYTES];
    size_t outlen = sizeof out;
    jbyteArray result = NULL;
    (*env)->GetByteArrayRegion(env, c, 0, len, (jbyte *) in);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
    if (ctx == NULL || EVP_PKEY_decrypt_init(ctx) <= 0
            || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) <= 0
            || EVP_PKEY_decrypt(ctx, out, &outlen, in, (size_t) len) <= 0 || outlen != (size_t) len) {
        throw_new(env, "java/lang/IllegalStateException", "libcrypto RSA private operation failed");
    } else {
        result = (*env)->NewByteArray(env, len);
        if (result != NULL) {
            (*env)->SetByteArrayRegion(env, result, 0, len, (const jbyte *) out);
        }
    }
    EVP_PKEY_CTX_free(ctx);
    OPENSSL_cleanse(out, sizeof out);
    return result;
}
