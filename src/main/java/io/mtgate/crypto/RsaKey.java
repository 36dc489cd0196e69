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
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server RSA private key (with CRT parameters) used to decrypt req_DH_params.encrypted_data.
 * MTProto clients expect 2048-bit keys (256-byte ciphertexts). Immutable and thread-safe;
 * {@link #toString()} shows no secrets.
 *
 * <p>The private operation uses the CRT parameters directly with {@link BigInteger#modPow} (which
 * is not constant-time) behind RSA base blinding, as the JDK's {@code RSA/ECB/NoPadding} does: the
 * input is multiplied by {@code u = r^e} and the result by {@code v = r^-1} for a random {@code r},
 * so the exponentiations never see the attacker's value. Unlike the JDK, the blinding
 * multiplications are done in the two 1024-bit CRT halves (u mod p, u mod q, v mod p, v mod q),
 * which is the same arithmetic at a quarter of the cost, and there is no Cipher set-up per call.
 * Like the JDK, the next blinding pair is the square of the previous one ({@code (r^2)^e, r^-2});
 * a fresh random pair is drawn when none is available (first use, concurrent use, every
 * {@link #BLINDING_REUSE} uses).
 */
public final class RsaKey {
    /** Uses of a blinding pair chain (by squaring) before a fresh random r is drawn. */
    static final int BLINDING_REUSE = 1024;
    private static final SecureRandom BLINDING_RANDOM = new SecureRandom();

    /** CRT halves of a blinding pair u = r^e mod n, v = r^-1 mod n; {@code uses} counts the chain. */
    private record Blinding(BigInteger uP, BigInteger uQ, BigInteger vP, BigInteger vQ, int uses) {
    }

    private final RSAPrivateCrtKey key;
    private final BigInteger n;
    private final BigInteger e;
    private final BigInteger p;
    private final BigInteger q;
    private final BigInteger dP;
    private final BigInteger dQ;
    private final BigInteger qInv;
    /** The next blinding pair, or null while one is in use (a concurrent caller then makes a new one). */
    private final AtomicReference<Blinding> blinding = new AtomicReference<>();
    private final int modulusBytes;
    private final long fingerprint;

    private RsaKey(RSAPrivateCrtKey key) throws CryptoException {
        this.key = key;
        this.n = key.getModulus();
        this.e = key.getPublicExponent();
        if (e == null || e.signum() <= 0 || n.signum() <= 0 || n.bitLength() < 512) {
            throw new CryptoException("RSA key: unusable modulus or public exponent");
        }
        this.p = key.getPrimeP();
        this.q = key.getPrimeQ();
        this.dP = key.getPrimeExponentP();
        this.dQ = key.getPrimeExponentQ();
        this.qInv = key.getCrtCoefficient();
        if (p == null || q == null || dP == null || dQ == null || qInv == null || p.signum() <= 0
                || q.signum() <= 0 || dP.signum() <= 0 || dQ.signum() <= 0 || qInv.signum() <= 0
                || !p.multiply(q).equals(n) || !p.testBit(0) || !q.testBit(0)) {
            throw new CryptoException("RSA key: p*q != n or unusable CRT parameters");
        }
        if (!q.multiply(qInv).mod(p).equals(BigInteger.ONE)) {
            throw new CryptoException("RSA key: CRT coefficient is not q^-1 mod p");
        }
        this.modulusBytes = (n.bitLength() + 7) / 8;
        this.fingerprint = computeFingerprint(n, e);
        // self-test: the private operation inverts the public one
        BigInteger probe = BigInteger.valueOf(0x4d54676174654cL);
        byte[] c = Dh.toBytes(probe.modPow(e, n), modulusBytes);
        if (!Dh.fromUnsignedBytes(decryptRaw(c)).equals(probe)) {
            throw new CryptoException("RSA key: private exponent does not match public key");
        }
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
    public byte[] decryptRaw(byte[] c0) throws CryptoException {
        Objects.requireNonNull(c0, "c");
        if (c0.length != modulusBytes) {
            throw new CryptoException("RSA input must be " + modulusBytes + " bytes, got " + c0.length);
        }
        BigInteger c = new BigInteger(1, c0);
        if (c.compareTo(n) >= 0) {
            throw new CryptoException("RSA input is not smaller than the modulus");
        }
        Blinding b = blinding.getAndSet(null);
        if (b == null || b.uses() >= BLINDING_REUSE) {
            b = newBlinding();
        }
        // blinded CRT: m_p = ((c mod p) * u_p)^dP * v_p mod p, likewise mod q
        BigInteger mP = c.mod(p).multiply(b.uP()).mod(p).modPow(dP, p).multiply(b.vP()).mod(p);
        BigInteger mQ = c.mod(q).multiply(b.uQ()).mod(q).modPow(dQ, q).multiply(b.vQ()).mod(q);
        blinding.compareAndSet(null, new Blinding(b.uP().multiply(b.uP()).mod(p), b.uQ().multiply(b.uQ()).mod(q),
                b.vP().multiply(b.vP()).mod(p), b.vQ().multiply(b.vQ()).mod(q), b.uses() + 1));
        // Garner: m = m_q + q * ((m_p - m_q) * qInv mod p)
        BigInteger m = mP.subtract(mQ).multiply(qInv).mod(p).multiply(q).add(mQ);
        if (m.compareTo(n) >= 0) {
            throw new CryptoException("RSA private operation failed");
        }
        return Dh.toBytes(m, modulusBytes);
    }

    /** A fresh blinding pair for a random r in [2, n) coprime to n (always, unless r hits p or q). */
    private Blinding newBlinding() {
        while (true) {
            BigInteger r = new BigInteger(n.bitLength() + 64, BLINDING_RANDOM).mod(n);
            if (r.compareTo(BigInteger.ONE) <= 0 || !r.gcd(n).equals(BigInteger.ONE)) {
                continue;
            }
            BigInteger u = r.modPow(e, n);
            BigInteger v = r.modInverse(n);
            return new Blinding(u.mod(p), u.mod(q), v.mod(p), v.mod(q), 0);
        }
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
