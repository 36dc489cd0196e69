package io.mtgate.rpc;

import io.mtgate.tl.TlRegistry;
import java.util.Optional;

/**
 * The API layers this server speaks, each with its generated schema ({@code io.mtgate.tl.api.l<n>}).
 *
 * <p>Layer policy ({@link #forClientLayer}): a client layer maps to the highest supported layer not
 * above it (a layer-200 client is served with layer 198's schema, a layer-230 client with 228's):
 * constructors change between layers, and the newest schema the client already knows is the one
 * whose constructors it can decode. Below {@link #OLDEST} there is no schema the client knows:
 * {@code 400 CONNECTION_LAYER_INVALID}.
 */
public enum ApiLayer {
    L144(144),
    L158(158),
    L198(198),
    L222(222),
    L228(228);

    public static final ApiLayer OLDEST = L144;
    public static final ApiLayer NEWEST = L228;

    private final int number;
    /** Built on first use (~30 ms of CPU; records are loaded as their constructors are decoded). */
    private volatile TlRegistry registry;

    ApiLayer(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** The Java package of this layer's generated classes. */
    public String packageName() {
        return "io.mtgate.tl.api.l" + number;
    }

    /** Constructor id to decoder for every constructor and function of this layer. */
    public TlRegistry registry() {
        TlRegistry r = registry;
        if (r == null) {
            r = switch (this) {
                case L144 -> io.mtgate.tl.api.l144.Schema.REGISTRY;
                case L158 -> io.mtgate.tl.api.l158.Schema.REGISTRY;
                case L198 -> io.mtgate.tl.api.l198.Schema.REGISTRY;
                case L222 -> io.mtgate.tl.api.l222.Schema.REGISTRY;
                case L228 -> io.mtgate.tl.api.l228.Schema.REGISTRY;
            };
            registry = r;
        }
        return r;
    }

    /** True once {@link #registry()} has been loaded (it no longer costs a class initialisation). */
    public boolean isLoaded() {
        return registry != null;
    }

    /**
     * Builds every layer's registry on a daemon thread. Cheap since the generated Schema decodes
     * through a switch (tens of ms), but still kept off the event loop: the dispatcher moves a
     * query whose layer is not loaded yet to its executor, and this makes that rare after start-up.
     */
    public static Thread preloadInBackground() {
        Thread t = new Thread(() -> {
            for (ApiLayer l : values()) {
                l.registry();
            }
        }, "mtgate-tl-preload");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Tag value of a method id that no supported layer declares as a function. */
    public static final String UNKNOWN_METHOD = "unknown";

    /**
     * The TL name of a function id in the newest layer that has it, else {@link #UNKNOWN_METHOD}:
     * bounded by the schemas whatever a client sends (for metric tags). Loads no schema.
     */
    public static String methodName(int constructorId) {
        ApiLayer[] all = values();
        for (int i = all.length - 1; i >= 0; i--) {
            String name = all[i].functionName(constructorId);
            if (name != null) {
                return name;
            }
        }
        return UNKNOWN_METHOD;
    }

    private String functionName(int id) {
        return switch (this) {
            case L144 -> io.mtgate.tl.api.l144.FunctionNames.of(id);
            case L158 -> io.mtgate.tl.api.l158.FunctionNames.of(id);
            case L198 -> io.mtgate.tl.api.l198.FunctionNames.of(id);
            case L222 -> io.mtgate.tl.api.l222.FunctionNames.of(id);
            case L228 -> io.mtgate.tl.api.l228.FunctionNames.of(id);
        };
    }

    /** The layer a client of {@code clientLayer} is served with; empty below {@link #OLDEST}. */
    public static Optional<ApiLayer> forClientLayer(int clientLayer) {
        ApiLayer best = null;
        for (ApiLayer l : values()) {
            if (l.number <= clientLayer) {
                best = l;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The supported layer with exactly this number. */
    public static Optional<ApiLayer> exactly(int number) {
        for (ApiLayer l : values()) {
            if (l.number == number) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** True when {@code o}'s class was generated for an API layer other than this one. */
    public boolean isForeign(Object o) {
        String pkg = o.getClass().getPackageName();
        return pkg.startsWith("io.mtgate.tl.api.") && !pkg.equals(packageName());
    }
}
