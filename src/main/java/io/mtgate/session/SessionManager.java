package io.mtgate.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.tl.TlLimits;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Every MTProto session on this node, by auth key and session_id (checklist 1.12, 3.3 step 6). The
 * transport adapter hands it each decrypted message with the connection it came on; applications
 * reach sessions through {@link #push}. Thread-safe; no call blocks.
 */
public final class SessionManager {
    /** What became of a message handed to {@link #receive}. */
    public enum Outcome {
        /** Passed every check and was processed: a quick ACK may be sent. */
        ACCEPTED,
        /** Answered with bad_msg_notification / bad_server_salt, or recognised as a duplicate. */
        REFUSED,
        /** The key was destroyed with destroy_auth_key: answer -404. */
        KEY_DESTROYED
    }

    private final SessionRuntime rt;
    private final ConcurrentHashMap<AuthKeyId, KeySessions> keys = new ConcurrentHashMap<>();
    private final Cache<AuthKeyId, Boolean> destroyed;

    public SessionManager(SessionConfig config, SaltSource salts, RpcInvoker invoker, KeyLifecycle lifecycle,
                          SessionEvents events, InstantSource clock, RandomGenerator random) {
        this.rt = new SessionRuntime(Objects.requireNonNull(config), Objects.requireNonNull(salts),
                new ServerMessageIds(clock), Objects.requireNonNull(invoker), Objects.requireNonNull(lifecycle),
                Objects.requireNonNull(events), Objects.requireNonNull(clock), Objects.requireNonNull(random),
                new TlLimits(config.maxUnpackedSize(), Math.max(config.maxVectorIds() + 1, config.maxContainerMessages() + 1), 16));
        this.destroyed = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(10)).build();
    }

    SessionRuntime runtime() {
        return rt;
    }

    /** Applies the session rules to a message that passed the envelope checks. */
    public Outcome receive(SessionKey key, DecryptedMessage message, SessionLink link) {
        if (destroyed.getIfPresent(key.id()) != null) {
            return Outcome.KEY_DESTROYED;
        }
        while (true) {
            KeySessions ks = keys.get(key.id()); // every message: a plain read, no bin lock
            if (ks == null) {
                ks = keys.computeIfAbsent(key.id(), id -> new KeySessions(this, key));
            }
            Session s = ks.session(message.sessionId());
            if (s == null) {
                keys.remove(key.id(), ks); // retired by a sweep in the meantime: take a fresh holder
                if (destroyed.getIfPresent(key.id()) != null) {
                    return Outcome.KEY_DESTROYED;
                }
                continue;
            }
            return s.receive(message, link) ? Outcome.ACCEPTED : Outcome.REFUSED;
        }
    }

    /** The connection closed: the session stops writing to it and keeps its queue for the next one. */
    public void detach(AuthKeyId key, long sessionId, SessionLink link) {
        KeySessions ks = keys.get(key);
        Session s = ks == null ? null : ks.existing(sessionId);
        if (s != null) {
            s.detach(link);
        }
    }

    /**
     * An HTTP connection moved on to another session (it is bound to the session of its most
     * recent request, checklist 1.11): the request it still holds for this one is answered now, so
     * that answers keep request order, and the session stops using the connection.
     */
    public void release(AuthKeyId key, long sessionId, SessionLink link) {
        KeySessions ks = keys.get(key);
        Session s = ks == null ? null : ks.existing(sessionId);
        if (s != null) {
            s.release(link);
        }
    }

    /**
     * Sends a server-initiated content-related message to every live session of {@code key}; when
     * the key has none on this node it waits (bounded in count and time) for the next session.
     *
     * @return the number of sessions it was handed to (0: queued or dropped)
     */
    public int push(AuthKeyId key, byte[] body) {
        checkBody(body);
        while (true) {
            KeySessions ks = keys.computeIfAbsent(key, id -> new KeySessions(this, SessionKey.permanent(id)));
            int n = ks.push(body, 0, false);
            if (n >= 0) {
                return n;
            }
            keys.remove(key, ks);
        }
    }

    /** Sends to one session only; false when that session does not exist on this node. */
    public boolean push(AuthKeyId key, long sessionId, byte[] body) {
        checkBody(body);
        KeySessions ks = keys.get(key);
        return ks != null && ks.push(body, sessionId, true) > 0;
    }

    private static void checkBody(byte[] body) {
        if (body.length < 4 || (body.length & 3) != 0) {
            throw new IllegalArgumentException("a message body is a serialized TL object (length a multiple of 4)");
        }
    }

    /** Forgets sessions without a connection for longer than the idle timeout, and expired pushes. */
    public void sweep() {
        long now = rt.clock().millis();
        long cutoff = now - rt.config().idleSessionTimeout().toMillis();
        long pushCutoff = now - rt.config().pushQueueTtl().toMillis();
        keys.forEach((id, ks) -> {
            if (ks.sweep(cutoff, pushCutoff)) {
                keys.remove(id, ks);
            }
        });
    }

    void keyDestroyed(AuthKeyId id, KeySessions holder) {
        destroyed.put(id, Boolean.TRUE);
        keys.remove(id, holder);
    }

    /** Drops every session of a key deleted elsewhere (another node, an operator). */
    public void forgetKey(AuthKeyId id) {
        destroyed.put(id, Boolean.TRUE);
        KeySessions ks = keys.remove(id);
        if (ks != null) {
            ks.keyDestroyed(null, KeyLifecycle.DestroyResult.DESTROYED);
        }
    }

    /** Sessions on this node (for a gauge). */
    public int sessionCount() {
        int n = 0;
        for (KeySessions ks : keys.values()) {
            n += ks.sessionCount();
        }
        return n;
    }

    /** For tests and diagnostics: the session's remembered http_wait, if any. */
    public java.util.Optional<io.mtgate.tl.mtproto.HttpWait> httpWait(AuthKeyId key, long sessionId) {
        KeySessions ks = keys.get(key);
        Session s = ks == null ? null : ks.existing(sessionId);
        return java.util.Optional.ofNullable(s == null ? null : s.httpWait());
    }

    /** For tests: server messages of a session still waiting for an acknowledgement. */
    int unacked(AuthKeyId key, long sessionId) {
        KeySessions ks = keys.get(key);
        Session s = ks == null ? null : ks.existing(sessionId);
        return s == null ? -1 : s.unackedCount();
    }
}
