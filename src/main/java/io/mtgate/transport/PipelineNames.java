package io.mtgate.transport;

/** Names of the handlers in a connection's pipeline, in pipeline order (head first). */
public final class PipelineNames {
    /** Handshake and frame-stall timeouts; stays for the connection's lifetime. */
    public static final String TIMEOUTS = "mtproto.transport.timeouts";
    /** Transport detector; replaces itself with the handlers below once it has decided. */
    public static final String DETECTOR = "mtproto.transport.detector";
    /**
     * WebSocket (checklist 1.10): the HTTP response encoder and request decoder of the upgrade
     * request, then the upgrade handler. On a successful upgrade Netty's handshaker swaps the HTTP
     * codec for its WebSocket frame codec (named {@code wsencoder} and {@code wsdecoder}) and the
     * upgrade handler replaces itself with {@link #WEBSOCKET_FRAMES}, a new {@link #DETECTOR}
     * (obfuscated2 only) and {@link #WEBSOCKET_ERRORS}; the framing handlers of a TCP connection
     * then follow the detector as usual.
     */
    public static final String WEBSOCKET_HTTP_ENCODER = "mtproto.transport.websocket.http-encoder";
    public static final String WEBSOCKET_HTTP_DECODER = "mtproto.transport.websocket.http-decoder";
    public static final String WEBSOCKET_UPGRADE = "mtproto.transport.websocket.upgrade";
    /** WebSocket messages to one byte stream and back; pings, close frames. */
    public static final String WEBSOCKET_FRAMES = "mtproto.transport.websocket.frames";
    /** Notes the transport error written before a close, for the close frame's reason. */
    public static final String WEBSOCKET_ERRORS = "mtproto.transport.websocket.errors";
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
