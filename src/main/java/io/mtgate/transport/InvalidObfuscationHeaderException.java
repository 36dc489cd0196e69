package io.mtgate.transport;

/** An obfuscated2 header whose decrypted protocol tag is not valid under any key. */
public final class InvalidObfuscationHeaderException extends TransportException {
    private static final long serialVersionUID = 1L;

    public InvalidObfuscationHeaderException(String message) {
        super(message);
    }

    @Override
    public CloseReason reason() {
        return CloseReason.INVALID_OBFUSCATION_HEADER;
    }
}
