package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a key is written as a Redis string value. Not Teamgram's JSON: ours carries the expiry of
 * temporary keys and can be sealed.
 *
 * <pre>
 *   plain:  "1." + base64(payload)
 *   sealed: "2." + base64(nonce[12] || AES-256-GCM(payload) || tag[16]), associated data = "mtgate-ak" || id (8 bytes BE)
 *   payload = type code (1) || createdAt seconds (8) || nanos (4) || expiresAt seconds (8) || nanos (4) || body (256)
 *             (expiresAt seconds = Long.MIN_VALUE for a permanent key)
 * </pre>
 * Sealing with a secret shared by the gateway nodes keeps key bodies unreadable to anyone who can
 * read Redis (a dump, a replica, a MONITOR) but not the secret; the id as associated data stops a
 * value from being copied under another id. With no secret the value is plain: Redis then holds key
 * material and must be as private as the database. A sealed value that does not open (wrong secret)
 * or a value of an unknown version decodes as absent, so the database answers instead.
 */
public final class SharedKeyCodec {
    private static final int PAYLOAD = 1 + 12 + 12 + StoredAuthKey.BODY_LENGTH;
    private static final byte[] AD_PREFIX = "mtgate-ak".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SecretKeySpec secret; // null: plain values
    private final SecureRandom random;

    /** @param secret32 a 32-byte AES key shared by all nodes, or null to store values unsealed */
    public SharedKeyCodec(byte[] secret32, SecureRandom random) {
        if (secret32 != null && secret32.length != 32) {
            throw new IllegalArgumentException("the Redis value secret must be 32 bytes");
        }
        this.secret = secret32 == null ? null : new SecretKeySpec(secret32, "AES");
        this.random = Objects.requireNonNull(random, "random");
    }

    public boolean sealed() {
        return secret != null;
    }

    public String encode(StoredAuthKey key) {
        ByteBuffer b = ByteBuffer.allocate(PAYLOAD);
        b.put((byte) key.type().code());
        b.putLong(key.createdAt().getEpochSecond()).putInt(key.createdAt().getNano());
        Instant exp = key.expiresAt();
        b.putLong(exp == null ? Long.MIN_VALUE : exp.getEpochSecond()).putInt(exp == null ? 0 : exp.getNano());
        byte[] body = key.body();
        b.put(body);
        Arrays.fill(body, (byte) 0);
        byte[] payload = b.array();
        try {
            if (secret == null) {
                return "1." + Base64.getEncoder().encodeToString(payload);
            }
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, secret, new GCMParameterSpec(128, nonce));
            c.updateAAD(associatedData(key.id()));
            byte[] sealed = c.doFinal(payload);
            return "2." + Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(payload, (byte) 0);
        }
    }

    /** The key, or null when the value is not one we can read (see the class comment). */
    public StoredAuthKey decode(AuthKeyId id, String value) {
        byte[] payload = null;
        try {
            if (value.startsWith("1.") && secret == null) {
                payload = Base64.getDecoder().decode(value.substring(2));
            } else if (value.startsWith("2.") && secret != null) {
                byte[] all = Base64.getDecoder().decode(value.substring(2));
                if (all.length != 12 + PAYLOAD + 16) {
                    return null;
                }
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, secret, new GCMParameterSpec(128, all, 0, 12));
                c.updateAAD(associatedData(id));
                payload = c.doFinal(all, 12, all.length - 12);
            } else {
                return null;
            }
            if (payload.length != PAYLOAD) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(payload);
            AuthKeyType type = AuthKeyType.fromCode(b.get());
            Instant created = Instant.ofEpochSecond(b.getLong(), b.getInt());
            long expSec = b.getLong();
            int expNano = b.getInt();
            byte[] body = new byte[StoredAuthKey.BODY_LENGTH];
            b.get(body);
            Instant expires = expSec == Long.MIN_VALUE ? null : Instant.ofEpochSecond(expSec, expNano);
            StoredAuthKey key = new StoredAuthKey(id, body, type, created, expires);
            Arrays.fill(body, (byte) 0);
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            return null; // tampered, other secret, or not ours
        } finally {
            if (payload != null) {
                Arrays.fill(payload, (byte) 0);
            }
        }
    }

    private static byte[] associatedData(AuthKeyId id) {
        return ByteBuffer.allocate(AD_PREFIX.length + 8).put(AD_PREFIX).putLong(id.value()).array();
    }
}
