package io.mtgate.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code msg_container#73f1f8dc} parsing and building (checklist 4.1): a count, then per message
 * {@code msg_id:long seqno:int bytes:int body}. A received container is accepted or refused as a
 * whole.
 */
final class Container {
    /** One message inside a container. */
    record Inner(long msgId, int seqno, byte[] body) {
    }

    /** Result of {@link #parse}: the messages, or the refusal (bad_msg 64, or -429 for too many). */
    record Parsed(List<Inner> messages, int errorCode) {
        static Parsed error(int code) {
            return new Parsed(List.of(), code);
        }

        boolean ok() {
            return errorCode == 0;
        }
    }

    static final int TOO_MANY = -429;
    static final int INVALID = 64;

    private Container() {
    }

    /**
     * Parses and validates a client container body (starting with its constructor id): count within
     * {@code maxMessages} (else -429); each inner msg_id a client id (≡ 0 mod 4), below the
     * container's, distinct; each length a multiple of 4 within the remaining bytes; seqno not above
     * the container's; no container inside; no trailing bytes. Anything else: 64.
     */
    static Parsed parse(byte[] body, long containerMsgId, int containerSeqno, int maxMessages) {
        if (body.length < 8) {
            return Parsed.error(INVALID);
        }
        int count = ServiceIds.intLE(body, 4);
        if (count < 0) {
            return Parsed.error(INVALID);
        }
        if (count > maxMessages) {
            return Parsed.error(TOO_MANY);
        }
        // Each message needs at least 16 header bytes: a count beyond that is malformed, and checking
        // it first keeps the list allocation bounded by the body's size.
        if ((long) count * 16 > body.length - 8) {
            return Parsed.error(INVALID);
        }
        List<Inner> out = new ArrayList<>(count);
        Set<Long> seen = new HashSet<>(count * 2);
        int p = 8;
        for (int i = 0; i < count; i++) {
            if (body.length - p < 16) {
                return Parsed.error(INVALID);
            }
            long msgId = ServiceIds.longLE(body, p);
            int seqno = ServiceIds.intLE(body, p + 8);
            int len = ServiceIds.intLE(body, p + 12);
            p += 16;
            if (len < 4 || (len & 3) != 0 || len > body.length - p) {
                return Parsed.error(INVALID);
            }
            if ((msgId & 3) != 0 || Long.compareUnsigned(msgId, containerMsgId) >= 0 || !seen.add(msgId)
                    || Integer.compareUnsigned(seqno, containerSeqno) > 0) {
                return Parsed.error(INVALID);
            }
            byte[] inner = java.util.Arrays.copyOfRange(body, p, p + len);
            if (ServiceIds.intLE(inner, 0) == ServiceIds.MSG_CONTAINER) {
                return Parsed.error(INVALID);
            }
            out.add(new Inner(msgId, seqno, inner));
            p += len;
        }
        if (p != body.length) {
            return Parsed.error(INVALID);
        }
        return new Parsed(out, 0);
    }

    /** A server container holding already numbered messages. */
    static byte[] build(List<long[]> headers, List<byte[]> bodies) {
        int size = 8;
        for (byte[] b : bodies) {
            size += 16 + b.length;
        }
        byte[] out = new byte[size];
        ServiceIds.putIntLE(out, 0, ServiceIds.MSG_CONTAINER);
        ServiceIds.putIntLE(out, 4, bodies.size());
        int p = 8;
        for (int i = 0; i < bodies.size(); i++) {
            byte[] b = bodies.get(i);
            ServiceIds.putLongLE(out, p, headers.get(i)[0]);
            ServiceIds.putIntLE(out, p + 8, (int) headers.get(i)[1]);
            ServiceIds.putIntLE(out, p + 12, b.length);
            System.arraycopy(b, 0, out, p + 16, b.length);
            p += 16 + b.length;
        }
        return out;
    }
}
