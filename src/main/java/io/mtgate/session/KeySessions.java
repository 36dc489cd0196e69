package io.mtgate.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions of one auth key on this node, and server-initiated messages waiting for one of them.
 * Guarded by its own monitor, never held while a session's monitor is taken.
 */
final class KeySessions {
    private record Queued(byte[] body, long queuedAtMillis) {
    }

    private final SessionManager manager;
    final SessionKey key;
    private final Map<Long, Session> sessions = new HashMap<>(2);
    private final ArrayDeque<Queued> waiting = new ArrayDeque<>(0);
    private boolean removed;

    KeySessions(SessionManager manager, SessionKey key) {
        this.manager = manager;
        this.key = key;
    }

    /** The session, created if new; {@code null} when this holder was already retired. */
    Session session(long sessionId) {
        Session s;
        List<Queued> deliver = null;
        Session evicted = null;
        synchronized (this) {
            if (removed) {
                return null;
            }
            s = sessions.get(sessionId);
            if (s != null) {
                return s;
            }
            if (sessions.size() >= manager.runtime().config().maxSessionsPerKey()) {
                evicted = leastRecentlyUsed();
                sessions.remove(evicted.id);
            }
            s = new Session(manager.runtime(), this, key, sessionId);
            sessions.put(sessionId, s);
            if (!waiting.isEmpty()) {
                deliver = new ArrayList<>(waiting);
                waiting.clear();
            }
        }
        manager.runtime().events().sessionCreated();
        if (evicted != null) {
            evicted.close();
            manager.runtime().events().sessionRemoved();
        }
        if (deliver != null) {
            long cutoff = manager.runtime().clock().millis() - manager.runtime().config().pushQueueTtl().toMillis();
            int expired = 0;
            for (Queued q : deliver) {
                if (q.queuedAtMillis() >= cutoff) {
                    s.push(q.body(), q.queuedAtMillis());
                } else {
                    expired++;
                }
            }
            if (expired > 0) {
                manager.runtime().events().queueDropped(expired);
            }
        }
        return s;
    }

    private Session leastRecentlyUsed() {
        Session best = null;
        for (Session s : sessions.values()) {
            if (best == null || s.lastActivityMillis() < best.lastActivityMillis()) {
                best = s;
            }
        }
        return best;
    }

    synchronized Session existing(long sessionId) {
        return sessions.get(sessionId);
    }

    /** destroy_session from a sibling session. */
    boolean destroySession(long sessionId) {
        Session s;
        synchronized (this) {
            s = sessions.remove(sessionId);
        }
        if (s == null) {
            return false;
        }
        s.close();
        manager.runtime().events().sessionRemoved();
        return true;
    }

    /** Delivers to every live session of the key (or one), or queues for the next session. */
    int push(byte[] body, long sessionIdOrZero, boolean oneSession) {
        List<Session> targets;
        long now = manager.runtime().clock().millis();
        synchronized (this) {
            if (removed) {
                return -1;
            }
            if (oneSession) {
                Session s = sessions.get(sessionIdOrZero);
                targets = s == null ? List.of() : List.of(s);
            } else {
                targets = new ArrayList<>(sessions.values());
            }
            if (targets.isEmpty()) {
                if (oneSession) {
                    return 0;
                }
                int max = manager.runtime().config().maxPushQueue();
                if (max == 0) {
                    return 0;
                }
                if (waiting.size() >= max) {
                    waiting.pollFirst();
                    manager.runtime().events().queueDropped(1);
                }
                waiting.add(new Queued(body, now));
                return 0;
            }
        }
        for (Session s : targets) {
            s.push(body, now);
        }
        return targets.size();
    }

    /** Called through the session that asked for destroy_auth_key once the key is deleted (or not). */
    void keyDestroyed(Session asking, KeyLifecycle.DestroyResult result) {
        byte[] answer = Session.destroyAuthKeyAnswer(result);
        if (result != KeyLifecycle.DestroyResult.DESTROYED) {
            asking.answer(answer);
            return;
        }
        List<Session> all;
        synchronized (this) {
            removed = true;
            all = new ArrayList<>(sessions.values());
            sessions.clear();
            waiting.clear();
        }
        manager.keyDestroyed(key.id(), this);
        for (Session s : all) {
            s.finish(s == asking ? answer : null);
            manager.runtime().events().sessionRemoved();
        }
    }

    /**
     * Forgets sessions idle (no connection) since before {@code cutoffMillis} and expired queued
     * pushes; retires this holder when nothing is left.
     *
     * @return true when this holder is now empty and retired
     */
    boolean sweep(long cutoffMillis, long pushCutoffMillis) {
        List<Session> idle = new ArrayList<>();
        synchronized (this) {
            if (removed) {
                return true;
            }
            for (Session s : sessions.values()) {
                if (s.idleSince(cutoffMillis)) {
                    idle.add(s);
                }
            }
            for (Session s : idle) {
                sessions.remove(s.id);
            }
            int expired = 0;
            while (!waiting.isEmpty() && waiting.peekFirst().queuedAtMillis() < pushCutoffMillis) {
                waiting.pollFirst();
                expired++;
            }
            if (expired > 0) {
                manager.runtime().events().queueDropped(expired);
            }
            if (sessions.isEmpty() && waiting.isEmpty()) {
                removed = true;
            }
        }
        for (Session s : idle) {
            s.close();
            manager.runtime().events().sessionRemoved();
        }
        synchronized (this) {
            return removed;
        }
    }

    synchronized int sessionCount() {
        return sessions.size();
    }

    synchronized int waitingCount() {
        return waiting.size();
    }
}
