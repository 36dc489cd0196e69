package io.mtgate.push;

import io.mtgate.crypto.AuthKeyId;
import io.mtgate.session.SessionManager;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlObject;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * Server-initiated messages (updates) for applications: a TL object sent to every live session of
 * an auth key, or to one session. Each is a content-related message: it stays queued until the
 * client acknowledges it, is resent on the session's next connection, and waits (bounded in count
 * and age, {@code mtgate.session.push-queue-ttl} / {@code max-push-queue}) while the key has no
 * session on this node. Thread-safe; never blocks.
 *
 * <p>Clients speak different API layers: {@link #send(AuthKeyId, IntFunction)} builds the object for
 * the layer the key's client last named with invokeWithLayer.
 */
public final class PushService {
    private final SessionManager sessions;
    private final ClientLayers layers;
    private final int defaultLayer;

    public PushService(SessionManager sessions, ClientLayers layers, int defaultLayer) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.layers = Objects.requireNonNull(layers, "layers");
        this.defaultLayer = defaultLayer;
    }

    /**
     * Sends {@code update} to every live session of {@code key} on this node, or queues it for the
     * key's next session.
     *
     * @return how many sessions it was handed to now (0: queued or, past the queue bound, dropped)
     */
    public int send(AuthKeyId key, TlObject update) {
        return sessions.push(key, Tl.serialize(update));
    }

    /** Sends to one session; false when that session does not exist on this node (nothing queued). */
    public boolean send(AuthKeyId key, long sessionId, TlObject update) {
        return sessions.push(key, sessionId, Tl.serialize(update));
    }

    /** Builds the update in the key's client layer (or the default layer when not known yet) and sends it. */
    public int send(AuthKeyId key, IntFunction<? extends TlObject> updateForLayer) {
        OptionalInt layer = layers.layerOf(key);
        return send(key, updateForLayer.apply(layer.orElse(defaultLayer)));
    }

    /** The layer pushes to this key are written in. */
    public int layerFor(AuthKeyId key) {
        return layers.layerOf(key).orElse(defaultLayer);
    }
}
