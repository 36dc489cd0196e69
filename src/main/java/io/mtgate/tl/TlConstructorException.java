package io.mtgate.tl;

/**
 * A constructor id where the schema allows none of that id: unknown to the registry, or of another
 * type than the field declares. Separate from truncated or malformed input because Telegram answers
 * the two differently (INPUT_CONSTRUCTOR_INVALID vs INPUT_FETCH_ERROR).
 */
public final class TlConstructorException extends TlDecodeException {
    public TlConstructorException(String message) {
        super(message);
    }
}
