package io.mtgate.session;

/** Constructor ids of the MTProto service messages the session layer handles itself (checklist 4). */
final class ServiceIds {
    static final int MSGS_ACK = 0x62d6b459;
    static final int MSG_CONTAINER = 0x73f1f8dc;
    static final int MSG_COPY = 0xe06046b2;
    static final int GZIP_PACKED = 0x3072cfa1;
    static final int PING = 0x7abe77ec;
    static final int PING_DELAY_DISCONNECT = 0xf3427b8c;
    static final int GET_FUTURE_SALTS = 0xb921bd04;
    static final int DESTROY_SESSION = 0xe7512126;
    static final int DESTROY_AUTH_KEY = 0xd1435160;
    static final int MSGS_STATE_REQ = 0xda69fb52;
    static final int MSGS_ALL_INFO = 0x8cc0d131;
    static final int MSG_RESEND_REQ = 0x7d861a08;
    static final int MSG_RESEND_ANS_REQ = 0x8610baeb;
    static final int RPC_DROP_ANSWER = 0x58e4a740;
    static final int HTTP_WAIT = 0x9299359f;
    static final int RPC_RESULT = 0xf35c6d01;
    static final int RPC_ERROR = 0x2144ca19;

    private ServiceIds() {
    }

    /** How a constructor constrains the seqno parity of the message carrying it (checklist 3.5). */
    enum Kind {
        /** msgs_ack, msg_container, msg_copy: an odd seqno is bad_msg 34. */
        NEVER_CONTENT_RELATED,
        /** Other service messages: clients send them either way (tdlib: even), both accepted. */
        EITHER,
        /** Everything else is an RPC query: an even seqno is bad_msg 35. */
        QUERY
    }

    static Kind kindOf(int constructorId) {
        return switch (constructorId) {
            case MSGS_ACK, MSG_CONTAINER, MSG_COPY -> Kind.NEVER_CONTENT_RELATED;
            case PING, PING_DELAY_DISCONNECT, GET_FUTURE_SALTS, DESTROY_SESSION, DESTROY_AUTH_KEY, MSGS_STATE_REQ,
                 MSGS_ALL_INFO, MSG_RESEND_REQ, MSG_RESEND_ANS_REQ, RPC_DROP_ANSWER, HTTP_WAIT -> Kind.EITHER;
            default -> Kind.QUERY;
        };
    }

    static int intLE(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    static long longLE(byte[] b, int off) {
        return (intLE(b, off) & 0xffffffffL) | (long) intLE(b, off + 4) << 32;
    }

    static void putIntLE(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static void putLongLE(byte[] b, int off, long v) {
        putIntLE(b, off, (int) v);
        putIntLE(b, off + 4, (int) (v >>> 32));
    }
}
