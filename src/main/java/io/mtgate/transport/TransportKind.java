package io.mtgate.transport;

/** The MTProto transport a connection chose with its first bytes (checklist 1.1-1.5, 1.11). */
public enum TransportKind {
    /** {@code 0xef}: 1-byte length/4 or {@code 0x7f} + 3-byte LE length/4. */
    ABRIDGED,
    /** {@code eeeeeeee}: 4-byte LE length. */
    INTERMEDIATE,
    /** {@code dddddddd}: 4-byte LE length including random padding. */
    PADDED_INTERMEDIATE,
    /** No tag: len(incl. itself) | seq | payload | crc32. */
    FULL,
    /**
     * {@code POST}, {@code HEAD} or {@code OPTIONS}: HTTP/1.1 requests, each body one payload
     * (checklist 1.11); the application receives {@link HttpRequestFrame}s, never obfuscated.
     */
    HTTP
}
