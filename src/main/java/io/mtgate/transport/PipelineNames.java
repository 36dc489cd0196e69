package io.mtgate.transport;

/** Names of the handlers in a connection's pipeline, in pipeline order (head first). */
public final class PipelineNames {
    /** Handshake and frame-stall timeouts; stays for the connection's lifetime. */
    public static final String TIMEOUTS = "mtproto.transport.timeouts";
    /** Transport detector; replaces itself with the handlers below once it has decided. */
    public static final String DETECTOR = "mtproto.transport.detector";
    /** obfuscated2 inbound AES-256-CTR decryption (only on obfuscated connections). */
    public static final String OBFUSCATION_DECODER = "mtproto.transport.obfuscation.decoder";
    /** obfuscated2 outbound AES-256-CTR encryption (only on obfuscated connections). */
    public static final String OBFUSCATION_ENCODER = "mtproto.transport.obfuscation.encoder";
    /** The framing codec: abridged, intermediate, padded intermediate or full; or the HTTP codec. */
    public static final String FRAMING = "mtproto.transport.framing";
    /** The application handler consuming {@link InboundFrame}s and writing {@link OutboundFrame}s. */
    public static final String APPLICATION = "mtproto.application";

    private PipelineNames() {
    }
}
