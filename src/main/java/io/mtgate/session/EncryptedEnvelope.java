package io.mtgate.session;

import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.ConstantTime;
import io.mtgate.crypto.MessageCrypto;
import io.mtgate.crypto.MtprotoKdf;
import io.mtgate.crypto.PaddingRandom;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The MTProto 2.0 encrypted-message envelope, server side (checklist 3.1-3.3, 3.8, 5.4-5.5):
 * {@code auth_key_id(8) | msg_key(16) | AES-256-IGE(salt(8) | session_id(8) | msg_id(8) |
 * seq_no(4) | message_data_length(4) | message_data | padding(12..1024))}.
 *
 * <p>One instance per auth key (it keeps a private copy of the 256 key bytes, so the hot path does
 * not copy the key per message); immutable and thread-safe. The static {@link #decrypt(AuthKey, byte[])}
 * and {@link #encrypt(AuthKey, long, long, long, int, byte[], RandomGenerator)} are conveniences
 * that build a throw-away instance.
 *
 * <h2>Receive (client -> server, x = 0)</h2>
 * {@link #decryptInPlace(byte[], int, int)} runs, in the checklist's order: length &ge; 72 and
 * {@code (length - 24) % 16 == 0}; auth_key_id equals this key's; KDF from the packet's msg_key;
 * AES-IGE decryption in place; {@code msg_key_large = SHA256(auth_key[88..120) + plaintext incl.
 * padding)}; constant-time comparison of {@code msg_key_large[8..24)} with the msg_key;
 * {@code message_data_length} &ge; 0, divisible by 4, padding = decrypted length - 32 -
 * message_data_length in [12, 1024]. Every failure yields the same {@link Optional#empty()}: no
 * exception, no reason. After the decryption step the msg_key check and the length checks are both
 * evaluated (no short circuit) and a rejected plaintext is wiped from the buffer. The quick-ACK
 * token comes from the same {@code msg_key_large}.
 *
 * <h2>Send (server -> client, x = 8)</h2>
 * {@link #encrypt(long, long, long, int, byte[], int, int, RandomGenerator)} allocates exactly the
 * output array and encrypts in it in place. Padding policy: {@code 12 + r + 16*e} random bytes,
 * where {@code r} in [0, 15] is the minimum that makes the plaintext a multiple of 16 and {@code e}
 * is drawn uniformly from [0, {@value #MAX_EXTRA_PADDING_BLOCKS}] — so padding is always in
 * [12, 91] (within the 12..1024 the protocol allows) and the on-wire length varies by up to 64
 * bytes for a given body. Padding bytes come from the caller's {@link RandomGenerator} (use a
 * CSPRNG in production: the server uses {@link PaddingRandom#current()}, whose bytes are copied in
 * bulk).
 *
 * <h2>Crypto</h2>
 * KDF, AES-256-IGE and msg_key_large run in {@link MessageCrypto}: one native call (SHA-NI and
 * AES-NI) where available, the JDK otherwise; the checks above stay here.
 */
public final class EncryptedEnvelope {
    /** Length of the unencrypted outer header: auth_key_id(8) + msg_key(16). */
    public static final int OUTER_HEADER = 24;
    /** Length of the encrypted inner header: salt, session_id, msg_id, seq_no, message_data_length. */
    public static final int INNER_HEADER = 32;
    /** Smallest valid packet: 24 + 48 (32-byte inner header + at least 12 padding, rounded to 16). */
    public static final int MIN_PACKET = 72;
    public static final int MIN_PADDING = 12;
    public static final int MAX_PADDING = 1024;
    /** Extra random 16-byte padding blocks added by {@link #encrypt}: uniformly 0..this. */
    public static final int MAX_EXTRA_PADDING_BLOCKS = 4;
    /** Largest body {@link #encrypt} accepts (keeps every length computation inside an int). */
    public static final int MAX_BODY = Integer.MAX_VALUE - 4096;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] key;
    private final long keyId;

    private EncryptedEnvelope(AuthKey authKey) {
        Objects.requireNonNull(authKey, "authKey");
        this.key = authKey.bytes();
        this.keyId = authKey.id().value();
    }

    /** The envelope codec for one auth key. */
    public static EncryptedEnvelope forKey(AuthKey authKey) {
        return new EncryptedEnvelope(authKey);
    }

    /** The auth_key_id this instance accepts and writes. */
    public long authKeyId() {
        return keyId;
    }

    /**
     * Decrypts a copy of {@code payload} (the whole transport payload: auth_key_id | msg_key |
     * ciphertext); {@code payload} is not modified. Same checks and result as
     * {@link #decryptInPlace(byte[], int, int)}.
     */
    public static Optional<DecryptedMessage> decrypt(AuthKey key, byte[] payload) {
        byte[] copy = payload.clone();
        return forKey(key).decryptInPlace(copy, 0, copy.length);
    }

    /** {@link #decryptInPlace(byte[], int, int)} over the whole array. */
    public Optional<DecryptedMessage> decryptInPlace(byte[] packet) {
        return decryptInPlace(packet, 0, packet.length);
    }

    /**
     * Checks and decrypts the client packet {@code packet[off, off+len)} (auth_key_id | msg_key |
     * ciphertext). The ciphertext region {@code [off+24, off+len)} is decrypted in place: afterwards
     * it holds the plaintext on success and zeros on a rejection after decryption; the caller must
     * treat the range as consumed either way.
     *
     * @return the message, or {@link Optional#empty()} for every kind of rejection (identical result)
     * @throws IndexOutOfBoundsException if the range lies outside {@code packet} (a caller bug, not
     *                                   a property of the received bytes)
     */
    public Optional<DecryptedMessage> decryptInPlace(byte[] packet, int off, int len) {
        Objects.checkFromIndexSize(off, len, packet.length);
        // 1. length: at least 72, encrypted part a multiple of 16
        if (len < MIN_PACKET || ((len - OUTER_HEADER) & 15) != 0) {
            return Optional.empty();
        }
        // 2. auth_key_id (public value: an ordinary comparison)
        if ((long) LONG_LE.get(packet, off) != keyId) {
            return Optional.empty();
        }
        // 3. KDF (x = 0) from the claimed msg_key, decrypt in place, recompute msg_key_large over
        //    the whole plaintext including padding, compare in constant time
        int pOff = off + OUTER_HEADER;
        int pLen = len - OUTER_HEADER;
        byte[] msgKeyLarge = new byte[32];
        MessageCrypto.decrypt(key, packet, off, len, msgKeyLarge);
        boolean msgKeyOk = ConstantTime.equals(msgKeyLarge, 8, packet, off + 8, 16);
        // 4. message_data_length and padding (long arithmetic: no overflow for any 32-bit value)
        int dataLen = (int) INT_LE.get(packet, pOff + 28);
        long padding = (long) pLen - INNER_HEADER - dataLen;
        boolean lengthOk = dataLen >= 0 & (dataLen & 3) == 0 & padding >= MIN_PADDING & padding <= MAX_PADDING;
        if (!(msgKeyOk & lengthOk)) {
            Arrays.fill(packet, pOff, pOff + pLen, (byte) 0);
            return Optional.empty();
        }
        long salt = (long) LONG_LE.get(packet, pOff);
        long sessionId = (long) LONG_LE.get(packet, pOff + 8);
        long msgId = (long) LONG_LE.get(packet, pOff + 16);
        int seqno = (int) INT_LE.get(packet, pOff + 24);
        byte[] body = Arrays.copyOfRange(packet, pOff + INNER_HEADER, pOff + INNER_HEADER + dataLen);
        int quickAck = MtprotoKdf.quickAckToken(msgKeyLarge);
        return Optional.of(new DecryptedMessage(salt, sessionId, msgId, seqno, body, quickAck));
    }

    /** Encrypts a server message for the client holding {@code key} (see {@link #encrypt(long, long, long, int, byte[], int, int, RandomGenerator)}). */
    public static byte[] encrypt(AuthKey key, long salt, long sessionId, long msgId, int seqno, byte[] body,
            RandomGenerator random) {
        return forKey(key).encrypt(salt, sessionId, msgId, seqno, body, 0, body.length, random);
    }

    /**
     * Builds the complete transport payload {@code auth_key_id | msg_key | ciphertext} for a server
     * message (x = 8) with {@code body[bodyOff, bodyOff+bodyLen)} as message_data. Allocates the
     * returned array and a 32-byte msg_key_large.
     *
     * @throws IllegalArgumentException if {@code bodyLen} is not a multiple of 4 or exceeds {@link #MAX_BODY}
     * @throws IndexOutOfBoundsException if the body range lies outside {@code body}
     */
    public byte[] encrypt(long salt, long sessionId, long msgId, int seqno, byte[] body, int bodyOff, int bodyLen,
            RandomGenerator random) {
        int unpadded = INNER_HEADER + bodyLen;
        int padding = drawPadding(body, bodyOff, bodyLen, random);
        int pLen = unpadded + padding;
        byte[] out = new byte[OUTER_HEADER + pLen];
        int p = OUTER_HEADER;
        LONG_LE.set(out, 0, keyId);
        LONG_LE.set(out, p, salt);
        LONG_LE.set(out, p + 8, sessionId);
        LONG_LE.set(out, p + 16, msgId);
        INT_LE.set(out, p + 24, seqno);
        INT_LE.set(out, p + 28, bodyLen);
        System.arraycopy(body, bodyOff, out, p + INNER_HEADER, bodyLen);
        fillRandom(out, p + unpadded, padding, random);
        MessageCrypto.encrypt(key, out, 0, out.length, new byte[32]);
        return out;
    }

    /**
     * Checks a server message body and draws its padding length (see the class comment): the
     * minimum to a multiple of 16 plus 0..{@value #MAX_EXTRA_PADDING_BLOCKS} random blocks.
     */
    private static int drawPadding(byte[] body, int bodyOff, int bodyLen, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        Objects.checkFromIndexSize(bodyOff, bodyLen, body.length);
        if ((bodyLen & 3) != 0 || bodyLen > MAX_BODY) {
            throw new IllegalArgumentException("message_data length must be a multiple of 4 and at most "
                    + MAX_BODY + ", got " + bodyLen);
        }
        int unpadded = INNER_HEADER + bodyLen;
        return MIN_PADDING + (-(unpadded + MIN_PADDING) & 15) + 16 * random.nextInt(MAX_EXTRA_PADDING_BLOCKS + 1);
    }

    /** Room {@link #encrypt(ByteBuffer, long, long, long, int, byte[], int, int, RandomGenerator)} needs for a body. */
    public static int maxSealedLength(int bodyLen) {
        if (bodyLen < 0 || bodyLen > MAX_BODY) {
            throw new IllegalArgumentException("body length out of range: " + bodyLen);
        }
        return OUTER_HEADER + INNER_HEADER + bodyLen + MIN_PADDING + 15 + 16 * MAX_EXTRA_PADDING_BLOCKS;
    }

    /**
     * The same message as {@link #encrypt(long, long, long, int, byte[], int, int, RandomGenerator)},
     * written and encrypted in {@code dst[0, n)} (absolute indices, whatever the position; capacity at
     * least {@link #maxSealedLength}); returns n. On a direct buffer nothing else is allocated and
     * the plaintext never exists outside {@code dst}: the server writes each message straight into
     * the pooled buffer its socket write takes.
     */
    public int encrypt(ByteBuffer dst, long salt, long sessionId, long msgId, int seqno, byte[] body, int bodyOff,
            int bodyLen, RandomGenerator random) {
        int unpadded = INNER_HEADER + bodyLen;
        int padding = drawPadding(body, bodyOff, bodyLen, random);
        if (dst.capacity() < maxSealedLength(bodyLen)) {
            throw new IllegalArgumentException("buffer of " + dst.capacity() + " bytes cannot hold a sealed body of " + bodyLen);
        }
        int n = OUTER_HEADER + unpadded + padding;
        ByteBuffer b = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = OUTER_HEADER;
        b.putLong(0, keyId);
        b.putLong(p, salt);
        b.putLong(p + 8, sessionId);
        b.putLong(p + 16, msgId);
        b.putInt(p + 24, seqno);
        b.putInt(p + 28, bodyLen);
        b.put(p + INNER_HEADER, body, bodyOff, bodyLen);
        if (random instanceof PaddingRandom bulk) {
            bulk.nextBytes(b, p + unpadded, padding);
        } else {
            byte[] pad = new byte[padding]; // drawn as the array path draws them: same bytes for the same generator
            fillRandom(pad, 0, padding, random);
            b.put(p + unpadded, pad);
        }
        MessageCrypto.encrypt(key, b, n);
        return n;
    }

    private static void fillRandom(byte[] b, int off, int len, RandomGenerator random) {
        if (random instanceof PaddingRandom bulk) {
            bulk.nextBytes(b, off, len);
            return;
        }
        int end = off + len;
        int i = off;
        for (; i + 8 <= end; i += 8) {
            LONG_LE.set(b, i, random.nextLong());
        }
        if (i < end) {
            long r = random.nextLong();
            for (; i < end; i++, r >>>= 8) {
                b[i] = (byte) r;
            }
        }
    }

    @Override
    public String toString() {
        return "EncryptedEnvelope[authKeyId=" + keyId + "]";
    }
}
