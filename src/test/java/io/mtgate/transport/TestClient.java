package io.mtgate.transport;

import io.mtgate.crypto.AesCtr;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The client's view of the protocol, written independently of the production code from the
 * checklist (1.2-1.8): encodes client frames (optionally obfuscated, optionally with an MTProxy
 * secret) and parses what the server sends back through the client's decrypt stream.
 */
public final class TestClient {
    public enum Mode { PLAIN, OBFUSCATED, SECRET }

    /** A parsed server->client item: a payload, or a quick-ACK token. */
    public record Item(byte[] payload, Integer quickAck) {
        static Item payload(byte[] p) {
            return new Item(p, null);
        }

        static Item ack(int token) {
            return new Item(null, token);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Item i && Arrays.equals(payload, i.payload) && java.util.Objects.equals(quickAck, i.quickAck);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload) * 31 + java.util.Objects.hashCode(quickAck);
        }

        @Override
        public String toString() {
            return payload != null ? "payload[" + payload.length + "]" : "ack(" + Integer.toHexString(quickAck) + ")";
        }
    }

    public final TransportKind kind;
    public final Mode mode;
    private final AesCtr encrypt;
    private final AesCtr decrypt;
    private final byte[] prologue;
    private int sendSeq;
    private int recvSeq;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    public TestClient(TransportKind kind, Mode mode, byte[] secret, int dc, Random random) {
        this.kind = kind;
        this.mode = mode;
        if (mode == Mode.PLAIN) {
            encrypt = null;
            decrypt = null;
            prologue = switch (kind) {
                case ABRIDGED -> new byte[] {(byte) 0xef};
                case INTERMEDIATE -> le(0xeeeeeeee);
                case PADDED_INTERMEDIATE -> le(0xdddddddd);
                case FULL -> new byte[0];
                case HTTP -> throw new IllegalArgumentException("HTTP has no MTProto framing");
            };
            return;
        }
        if (kind == TransportKind.FULL) {
            throw new IllegalArgumentException("full is never obfuscated");
        }
        byte[] h = new byte[64];
        do {
            random.nextBytes(h);
        } while (!validInit(h));
        int tag = switch (kind) {
            case ABRIDGED -> 0xefefefef;
            case INTERMEDIATE -> 0xeeeeeeee;
            default -> 0xdddddddd;
        };
        System.arraycopy(le(tag), 0, h, 56, 4);
        h[60] = (byte) dc;
        h[61] = (byte) (dc >> 8);
        byte[] rev = new byte[48];
        for (int i = 0; i < 48; i++) {
            rev[i] = h[55 - i];
        }
        byte[] s = mode == Mode.SECRET ? secret : null;
        encrypt = new AesCtr(key(Arrays.copyOfRange(h, 8, 40), s), Arrays.copyOfRange(h, 40, 56));
        decrypt = new AesCtr(key(Arrays.copyOfRange(rev, 0, 32), s), Arrays.copyOfRange(rev, 32, 48));
        byte[] enc = encrypt.update(h);
        prologue = h.clone();
        System.arraycopy(enc, 56, prologue, 56, 8);
    }

    /** The same validity rules as Telethon/tdlib's client-side generator. */
    public static boolean validInit(byte[] h) {
        int first = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        int second = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        return (h[0] & 0xff) != 0xef && second != 0 && first != 0x44414548 && first != 0x54534f50
                && first != 0x20544547 && first != 0x4954504f && first != 0xdddddddd && first != 0xeeeeeeee
                && first != 0x02010316;
    }

    private static byte[] key(byte[] key, byte[] secret) {
        if (secret == null) {
            return key;
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(key);
            md.update(secret);
            return md.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** Bytes sent before the first frame: the tag, or the 64-byte obfuscated2 header. */
    public byte[] prologue() {
        return prologue.clone();
    }

    /**
     * One client frame, encrypted if obfuscated. For padded intermediate {@code padding} random
     * bytes follow the payload (the server delivers them as part of the payload).
     */
    public byte[] frame(byte[] payload, boolean quickAck, byte[] padding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int len = payload.length;
        switch (kind) {
            case ABRIDGED -> {
                int words = len / 4;
                if (words < 0x7f) {
                    out.write(words | (quickAck ? 0x80 : 0));
                } else {
                    out.write(0x7f | (quickAck ? 0x80 : 0));
                    out.write(words);
                    out.write(words >> 8);
                    out.write(words >> 16);
                }
                out.writeBytes(payload);
            }
            case INTERMEDIATE -> {
                out.writeBytes(le(len | (quickAck ? 0x80000000 : 0)));
                out.writeBytes(payload);
            }
            case PADDED_INTERMEDIATE -> {
                out.writeBytes(le((len + padding.length) | (quickAck ? 0x80000000 : 0)));
                out.writeBytes(payload);
                out.writeBytes(padding);
            }
            case FULL -> {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.writeBytes(le((len + 12) | (quickAck ? 0x80000000 : 0)));
                body.writeBytes(le(sendSeq++));
                body.writeBytes(payload);
                CRC32 crc = new CRC32();
                crc.update(body.toByteArray());
                body.writeBytes(le((int) crc.getValue()));
                out.writeBytes(body.toByteArray());
            }
        }
        byte[] bytes = out.toByteArray();
        return encrypt == null ? bytes : encrypt.update(bytes);
    }

    /** Feeds server bytes (any split) and returns the items completed so far. */
    public List<Item> receive(byte[] bytes) {
        received.writeBytes(decrypt == null ? bytes : decrypt.update(bytes));
        byte[] buf = received.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        List<Item> items = new ArrayList<>();
        while (true) {
            int start = b.position();
            Item item = parseOne(b);
            if (item == null) {
                b.position(start);
                break;
            }
            items.add(item);
        }
        received.reset();
        received.write(buf, b.position(), buf.length - b.position());
        return items;
    }

    private Item parseOne(ByteBuffer b) {
        if (b.remaining() < 4 && !(kind == TransportKind.ABRIDGED && b.remaining() >= 1 && (b.get(b.position()) & 0x80) == 0)) {
            return null;
        }
        switch (kind) {
            case ABRIDGED -> {
                int first = b.get(b.position()) & 0xff;
                if ((first & 0x80) != 0) {
                    return Item.ack(b.order(ByteOrder.BIG_ENDIAN).getInt());
                }
                b.order(ByteOrder.LITTLE_ENDIAN);
                int words;
                if (first < 0x7f) {
                    b.get();
                    words = first;
                } else {
                    if (b.remaining() < 4) {
                        return null;
                    }
                    words = b.getInt() >>> 8;
                    if (words < 0x7f) {
                        throw new AssertionError("server sent overlong abridged length");
                    }
                }
                return take(b, words * 4, 0);
            }
            case INTERMEDIATE -> {
                int len = b.getInt();
                return len < 0 ? Item.ack(len) : take(b, len, 0);
            }
            case PADDED_INTERMEDIATE -> {
                int len = b.getInt();
                if (len < 0) {
                    return Item.ack(len);
                }
                if (b.remaining() < len) {
                    return null;
                }
                if (len >= 8 && b.getInt(b.position()) == -1) {
                    int token = b.getInt(b.position() + 4);
                    if (len > 16) {
                        throw new AssertionError("framed quick ACK longer than 16 bytes: " + len);
                    }
                    b.position(b.position() + len);
                    return Item.ack(token);
                }
                return take(b, len - len % 4, len % 4); // Telethon strips len % 4
            }
            case FULL -> {
                int len = b.getInt(b.position());
                if (len < 0) {
                    b.getInt();
                    return Item.ack(len);
                }
                if (b.remaining() < len) {
                    return null;
                }
                int p = b.position();
                CRC32 crc = new CRC32();
                crc.update(b.array(), p, len - 4);
                if ((int) crc.getValue() != b.getInt(p + len - 4)) {
                    throw new AssertionError("bad CRC from server");
                }
                if (b.getInt(p + 4) != recvSeq++) {
                    throw new AssertionError("bad seq from server");
                }
                b.position(p + 8);
                Item item = take(b, len - 12, 0);
                b.getInt();
                return item;
            }
        }
        throw new AssertionError();
    }

    private static Item take(ByteBuffer b, int len, int skipAfter) {
        if (b.remaining() < len + skipAfter) {
            return null;
        }
        byte[] p = new byte[len];
        b.get(p);
        b.position(b.position() + skipAfter);
        return Item.payload(p);
    }
}
