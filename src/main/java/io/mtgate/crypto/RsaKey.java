package io.mtgate.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.List;
import java.util.Objects;
import javax.crypto.Cipher;

/**
 * A server RSA private key (with CRT parameters) used to decrypt req_DH_params.encrypted_data.
 * MTProto clients expect 2048-bit keys (256-byte ciphertexts). Immutable and thread-safe;
 * {@link #toString()} shows no secrets.
 *
 * <p>The private operation goes through the JDK's {@code RSA/ECB/NoPadding} cipher, which uses the
 * CRT parameters and applies RSA blinding (the blinding randomness is the JDK provider's own).
 */
public final class RsaKey {
    private static final ThreadLocal<Cipher> RSA_RAW = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("RSA/ECB/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA/ECB/NoPadding not available", e);
        }
    });

    private final RSAPrivateCrtKey key;
    private final BigInteger n;
    private final BigInteger e;
    private final int modulusBytes;
    private final long fingerprint;
    /** libcrypto's copy of this key (0: use the JDK cipher); freed when this object is collected. */
    private final long nativeHandle;

    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    private RsaKey(RSAPrivateCrtKey key) throws CryptoException {
        this.key = key;
        this.n = key.getModulus();
        this.e = key.getPublicExponent();
        if (e == null || e.signum() <= 0 || n.signum() <= 0 || n.bitLength() < 512) {
            throw new CryptoException("RSA key: unusable modulus or public exponent");
        }
        if (!key.getPrimeP().multiply(key.getPrimeQ()).equals(n)) {
            throw new CryptoException("RSA key: p*q != n");
        }
        this.modulusBytes = (n.bitLength() + 7) / 8;
        this.fingerprint = computeFingerprint(n, e);
        this.nativeHandle = NativeLibcrypto.importRsa(key);
        if (nativeHandle != 0) {
            long handle = nativeHandle;
            CLEANER.register(this, () -> NativeLibcrypto.freeRsa(handle));
        }
        // self-test: the private operation inverts the public one
        BigInteger probe = BigInteger.valueOf(0x4d54676174654cL);
        byte[] c = Dh.toBytes(probe.modPow(e, n), modulusBytes);
        if (!Dh.fromUnsignedBytes(decryptRaw(c)).equals(probe)) {
            throw new CryptoException("RSA key: private exponent does not match public key");
        }
    }

    /** Whether the private operation goes through libcrypto (else the JDK cipher). */
    boolean usesLibcrypto() {
        return nativeHandle != 0;
    }

    /** Generates a new key (public exponent 65537). MTProto needs {@code bits = 2048}. */
    public static RsaKey generate(SecureRandom rnd, int bits) {
        Objects.requireNonNull(rnd, "rnd");
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), rnd);
            return new RsaKey((RSAPrivateCrtKey) g.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException | CryptoException ex) {
            throw new IllegalStateException("RSA key generation failed", ex);
        }
    }

    /**
     * Reads an unencrypted private key PEM: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or PKCS#8
     * ({@code BEGIN PRIVATE KEY}); text around the block is ignored.
     */
    public static RsaKey fromPem(String pem) throws CryptoException {
        Pem.Block block = Pem.decode(Objects.requireNonNull(pem, "pem"));
        switch (block.type()) {
            case "RSA PRIVATE KEY": {
                List<BigInteger> v = Der.readIntegerSequence(block.der());
                if (v.size() != 9 || v.get(0).signum() != 0) {
                    throw new CryptoException("PKCS#1: expected a two-prime RSAPrivateKey (version 0, 8 integers)");
                }
                return fromComponents(v.get(1), v.get(2), v.get(3), v.get(4), v.get(5), v.get(6), v.get(7), v.get(8));
            }
            case "PRIVATE KEY": {
                try {
                    PrivateKey k = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(block.der()));
                    if (!(k instanceof RSAPrivateCrtKey crt)) {
                        throw new CryptoException("PKCS#8: RSA key without CRT parameters");
                    }
                    return new RsaKey(crt);
                } catch (GeneralSecurityException ex) {
                    throw new CryptoException("PKCS#8: not a readable RSA private key", ex);
                }
            }
            default:
                throw new CryptoException("PEM: unsupported block type " + block.type());
        }
    }

    private static RsaKey fromComponents(BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q,
            BigInteger dp, BigInteger dq, BigInteger qinv) throws CryptoException {
        try {
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qinv));
            return new RsaKey(k);
        } catch (GeneralSecurityException ex) {
            throw new CryptoException("RSA key components rejected", ex);
        }
    }

    /** PKCS#1 RSAPrivateKey PEM ({@code BEGIN RSA PRIVATE KEY}). Secret: store with owner-only permissions. */
    public String privateKeyPemPkcs1() {
        byte[] der = Der.writeIntegerSequence(BigInteger.ZERO, n, e, key.getPrivateExponent(), key.getPrimeP(),
                key.getPrimeQ(), key.getPrimeExponentP(), key.getPrimeExponentQ(), key.getCrtCoefficient());
        return Pem.encode("RSA PRIVATE KEY", der);
    }

    /** PKCS#8 PrivateKeyInfo PEM ({@code BEGIN PRIVATE KEY}). Secret. */
    public String privateKeyPemPkcs8() {
        return Pem.encode("PRIVATE KEY", key.getEncoded());
    }

    /** PKCS#1 RSAPublicKey PEM ({@code BEGIN RSA PUBLIC KEY}), the form client libraries embed. */
    public String publicKeyPemPkcs1() {
        return Pem.encode("RSA PUBLIC KEY", Der.writeIntegerSequence(n, e));
    }

    public BigInteger modulus() {
        return n;
    }

    public BigInteger publicExponent() {
        return e;
    }

    /** Size of the modulus in bytes (256 for the 2048-bit keys MTProto uses). */
    public int modulusBytes() {
        return modulusBytes;
    }

    /**
     * Low 64 bits of SHA1(TL {@code rsa_public_key n:string e:string}) read little-endian, signed:
     * the value in resPQ.server_public_key_fingerprints and req_DH_params.public_key_fingerprint.
     */
    public long fingerprint() {
        return fingerprint;
    }

    /** The fingerprint of the public key (n, e); see {@link #fingerprint()}. */
    public static long computeFingerprint(BigInteger n, BigInteger e) {
        byte[] h = Sha.sha1(tlString(Dh.toUnsignedBytes(n)), tlString(Dh.toUnsignedBytes(e)));
        return Bytes.readLongLE(h, 12);
    }

    /**
     * Raw RSA private operation {@code c^d mod n}. Returns exactly {@link #modulusBytes()} bytes,
     * big-endian, left-padded with zeros.
     *
     * @throws CryptoException if {@code c} is not exactly modulusBytes long or its value is >= n
     */
    public byte[] decryptRaw(byte[] c) throws CryptoException {
        Objects.requireNonNull(c, "c");
        if (c.length != modulusBytes) {
            throw new CryptoException("RSA input must be " + modulusBytes + " bytes, got " + c.length);
        }
        if (new BigInteger(1, c).compareTo(n) >= 0) {
            throw new CryptoException("RSA input is not smaller than the modulus");
        }
        if (nativeHandle != 0) {
            return NativeLibcrypto.rsaDecrypt(nativeHandle, c);
        }
        byte[] m;
        try {
            Cipher cipher = RSA_RAW.get();
            cipher.init(Cipher.DECRYPT_MODE, key);
            m = cipher.doFinal(c);
        } catch (GeneralSecurityException ex) {
            throw new CryptoException("RSA private operation failed", ex);
        }
        if (m.length == modulusBytes) {
            return m;
        }
        if (m.length > modulusBytes) {
            throw new CryptoException("RSA output longer than the modulus");
        }
        byte[] r = new byte[modulusBytes];
        System.arraycopy(m, 0, r, modulusBytes - m.length, m.length);
        return r;
    }

    /** TL {@code string} serialization of {@code data}. */
    static byte[] tlString(byte[] data) {
        int hdr = data.length <= 253 ? 1 : 4;
        int total = (hdr + data.length + 3) & ~3;
        byte[] r = new byte[total];
        if (hdr == 1) {
            r[0] = (byte) data.length;
        } else {
            r[0] = (byte) 0xFE;
            r[1] = (byte) data.length;
            r[2] = (byte) (data.length >> 8);
            r[3] = (byte) (data.length >> 16);
        }
        System.arraycopy(data, 0, r, hdr, data.length);
        return r;
    }

    @Override
    public String toString() {
        return "RsaKey[bits=" + n.bitLength() + ", fingerprint=0x" + Long.toHexString(fingerprint) + "]";
    }
}
