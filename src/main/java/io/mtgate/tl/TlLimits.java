package io.mtgate.tl;

/**
 * Bounds applied while decoding untrusted TL input.
 *
 * @param maxBytesLength largest accepted {@code bytes}/{@code string} length
 * @param maxVectorLength largest accepted vector element count
 * @param maxDepth deepest accepted nesting of boxed objects and vectors
 */
public record TlLimits(int maxBytesLength, int maxVectorLength, int maxDepth) {
    /** Generous for protocol messages yet far below a frame size a client may send. */
    public static final TlLimits DEFAULT = new TlLimits(1 << 20, 1 << 16, 64);

    public TlLimits {
        if (maxBytesLength < 0 || maxVectorLength < 0 || maxDepth < 1) {
            throw new IllegalArgumentException("TL limits must be non-negative and depth >= 1");
        }
    }
}
