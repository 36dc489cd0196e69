package io.mtgate.transport;

/** Why the transport layer closed a connection on its own. */
public enum CloseReason {
    /** HTTP or fake-TLS first bytes: recognised but not supported (yet). */
    UNSUPPORTED_TRANSPORT,
    /** obfuscated2 header whose decrypted tag is not a known transport under any key. */
    INVALID_OBFUSCATION_HEADER,
    /** An MTProxy client named a DC other than ours (after -444 was sent). */
    WRONG_DC,
    FRAME_TOO_LARGE,
    INVALID_FRAME,
    BAD_CRC,
    BAD_SEQUENCE,
    /** No complete frame within the handshake timeout. */
    HANDSHAKE_TIMEOUT,
    /** A frame started but did not complete within the frame-stall timeout. */
    FRAME_STALL_TIMEOUT
}
