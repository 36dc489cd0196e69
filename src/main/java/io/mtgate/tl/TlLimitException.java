package io.mtgate.tl;

/**
 * Well-formed input that is larger than a configured {@link TlLimits} bound or gzip_packed limit
 * allows (a string, a vector, an inflated size). Separate because Telegram answers an oversize
 * request INPUT_REQUEST_TOO_LONG rather than INPUT_FETCH_ERROR.
 */
public final class TlLimitException extends TlDecodeException {
    public TlLimitException(String message) {
        super(message);
    }
}
