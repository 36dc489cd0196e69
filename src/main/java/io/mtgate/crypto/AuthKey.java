package io.mtgate.crypto;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * A 2048-bit MTProto authorization key (exactly 256 bytes) with its derived identifiers.
 * Immutable; {@link #toString()} never prints key bytes.
 */
public final class AuthKey {
    public static final int LENGTH = 256;

    private final byte[] key;
    private final AuthKeyId id;
    private final byte[] auxHashBytes;

    /** Copies {@code key256}. @throws IllegalArgumentException unless it is exactly 256 bytes */
    public AuthKey(byte[] key256) {
        Objects.requireNonNull(key256, "key");
        if (key256.length != LENGTH) {
            throw new IllegalArgumentException("auth_key must be 256 bytes, got " + key256.length);
        }
        this.key = key256.clone();
        byte[] h = Sha.sha1(key);
        this.id = new AuthKeyId(Bytes.readLongLE(h, 12));
        this.auxHashBytes = Bytes.slice(h, 0, 8);
    }

    /** A copy of the 256 key bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    /** The internal array, not copied: callers inside the package must not modify it. */
    byte[] raw() {
        return key;
    }

    /** auth_key_id: SHA1(auth_key)[12..20) read as a little-endian signed int64. */
    public AuthKeyId id() {
        return id;
    }

    /** auth_key_aux_hash: SHA1(auth_key)[0..8) read as a little-endian signed int64. */
    public long auxHash() {
        return Bytes.readLongLE(auxHashBytes, 0);
    }

    /** The 8 wire bytes of {@link #auxHash()} (SHA1(auth_key)[0..8)). */
    public byte[] auxHashBytes() {
        return auxHashBytes.clone();
    }

    /** new_nonce_hashN = SHA1(new_nonce(32) + byte(n) + aux_hash(8))[4..20) (16 bytes). */
    public byte[] newNonceHash(byte[] newNonce32, int n) {
        if (newNonce32.length != 32) {
            throw new IllegalArgumentException("new_nonce must be 32 bytes, got " + newNonce32.length);
        }
        if (n < 1 || n > 3) {
            throw new IllegalArgumentException("new_nonce_hash number must be 1, 2 or 3, got " + n);
        }
        MessageDigest md = Sha.sha1Digest();
        md.update(newNonce32);
        md.update((byte) n);
        md.update(auxHashBytes);
        return Bytes.slice(md.digest(), 4, 16);
    }

    /** MTProto 2.0 KDF for this key; {@code x} = 0 client->server, 8 server->client. */
    public MtprotoKdf.KeyIv kdf(byte[] msgKey16, int x) {
        return MtprotoKdf.v2(key, msgKey16, x);
    }

    /** Constant-time comparison of the key bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AuthKey k && ConstantTime.equals(key, k.key);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id.value());
    }

    @Override
    public String toString() {
        return "AuthKey[id=" + id.value() + "]";
    }
}
