package io.mtgate.tl;

import java.util.HashMap;
import java.util.Map;

/** Constructor id to decoder. Immutable once built; several schemas can be merged in order. */
public final class TlRegistry {
    private final Map<Integer, TlDecoder> decoders;

    private TlRegistry(Map<Integer, TlDecoder> decoders) {
        this.decoders = Map.copyOf(decoders);
    }

    public TlDecoder decoder(int constructorId) {
        return decoders.get(constructorId);
    }

    public boolean contains(int constructorId) {
        return decoders.containsKey(constructorId);
    }

    public int size() {
        return decoders.size();
    }

    /** Merges registries; on an id defined twice the earlier registry wins. */
    public static TlRegistry merge(TlRegistry... parts) {
        Map<Integer, TlDecoder> all = new HashMap<>();
        for (TlRegistry part : parts) {
            part.decoders.forEach(all::putIfAbsent);
        }
        return new TlRegistry(all);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<Integer, TlDecoder> decoders = new HashMap<>();

        public Builder add(int constructorId, TlDecoder decoder) {
            if (decoders.putIfAbsent(constructorId, decoder) != null) {
                throw new IllegalStateException(
                        "constructor id defined twice: " + Integer.toHexString(constructorId));
            }
            return this;
        }

        public TlRegistry build() {
            return new TlRegistry(decoders);
        }
    }
}
