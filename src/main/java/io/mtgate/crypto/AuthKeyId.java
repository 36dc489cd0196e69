package io.mtgate.crypto;

/**
 * The 64-bit identifier of an auth key: the low 64 bits of SHA1(auth_key), read little-endian,
 * signed (the Teamgram column {@code auth_key_id bigint}). 0 marks a plain message, never a key.
 */
public record AuthKeyId(long value) {
    @Override
    public String toString() {
        return Long.toString(value);
    }
}
