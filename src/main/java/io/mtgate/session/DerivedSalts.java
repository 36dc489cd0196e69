package io.mtgate.session;

import io.mtgate.crypto.AuthKeyId;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Salts derived from a server secret, the auth_key_id and a time slot:
 * {@code salt(k) = first 8 bytes (LE) of HMAC-SHA256(secret, auth_key_id LE || k LE)}, where slot
 * {@code k} covers {@code [k*period, (k+1)*period)} in unix time. Every node holding the same secret
 * computes the same salts, so nothing is stored or shared per key, and a client's salt is unguessable
 * without the secret (the salt's purpose, checklist 3.6, is replay protection across key reuse).
 *
 * <p>Validity: the salt of slot {@code k} is accepted from {@code k*period - earlyAcceptance} until
 * {@code (k+1)*period + overlap}; so the previous salt stays good for {@code overlap} after its slot
 * ends (the checklist's "old salt accepted for another 1800 s"), and a client whose clock runs a
 * little ahead may move to the next salt early. Defaults: period 1 hour, overlap 30 minutes,
 * early acceptance 60 s (the pages disagree on lifetimes; this follows api/optimisation:
 * "lifespan 1 hour, future salts overlap by 30 min"). The initial salt of a new key (from the DH
 * exchange) is accepted through {@link InitialSalts}.
 */
public final class DerivedSalts implements SaltSource {
    /** Largest {@code num} of get_future_salts the checklist allows. */
    public static final int MAX_FUTURE_SALTS = 64;

    private final SecretKeySpec secret;
    private final long periodSeconds;
    private final long overlapSeconds;
    private final long earlySeconds;
    private final InitialSalts initialSalts;
    private final ThreadLocal<Mac> macs;
    /**
     * Per-thread direct-mapped cache of computed salts ({@code key id, slot + 1, salt} per entry):
     * every message needs the salt twice (check on receive, header on send), an HMAC each otherwise.
     */
    private final ThreadLocal<long[]> cache = ThreadLocal.withInitial(() -> new long[CACHE_ENTRIES * 3]);
    private static final int CACHE_ENTRIES = 1024;

    public DerivedSalts(byte[] secret, Duration period, Duration overlap, Duration earlyAcceptance,
                        InitialSalts initialSalts) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < 32) {
            throw new IllegalArgumentException("salt secret must have at least 32 bytes");
        }
        this.periodSeconds = period.toSeconds();
        this.overlapSeconds = overlap.toSeconds();
        this.earlySeconds = earlyAcceptance.toSeconds();
        if (periodSeconds < 60 || overlapSeconds < 0 || overlapSeconds > periodSeconds * 4 || earlySeconds < 0
                || earlySeconds >= periodSeconds) {
            throw new IllegalArgumentException("salt period must be >= 60 s; overlap in [0, 4 periods];"
                    + " early acceptance in [0, period)");
        }
        this.secret = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.initialSalts = Objects.requireNonNull(initialSalts, "initialSalts");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The salt of slot {@code slot} for this key. */
    long saltOf(AuthKeyId key, long slot) {
        long id = key.value();
        long[] c = cache.get();
        int e = 3 * (int) ((id ^ slot * 0x9E3779B97F4A7C15L) >>> 54); // top 10 bits: CACHE_ENTRIES
        if (c[e] == id && c[e + 1] == slot + 1 && slot + 1 != 0) {
            return c[e + 2];
        }
        long salt = computeSalt(id, slot);
        c[e] = id;
        c[e + 1] = slot + 1;
        c[e + 2] = salt;
        return salt;
    }

    private long computeSalt(long id, long slot) {
        byte[] in = new byte[16];
        for (int i = 0; i < 8; i++) {
            in[i] = (byte) (id >>> (8 * i));
            in[8 + i] = (byte) (slot >>> (8 * i));
        }
        Mac mac = macs.get();
        byte[] h = mac.doFinal(in);
        long salt = 0;
        for (int i = 7; i >= 0; i--) {
            salt = salt << 8 | (h[i] & 0xff);
        }
        return salt;
    }

    private long slotOf(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), periodSeconds);
    }

    @Override
    public long current(AuthKeyId key, Instant now) {
        return saltOf(key, slotOf(now));
    }

    @Override
    public boolean accepts(AuthKeyId key, long salt, Instant now) {
        long t = now.getEpochSecond();
        long k = slotOf(now);
        if (salt == saltOf(key, k)) {
            return true;
        }
        if (t < k * periodSeconds + overlapSeconds && salt == saltOf(key, k - 1)) {
            return true;
        }
        if (t >= (k + 1) * periodSeconds - earlySeconds && salt == saltOf(key, k + 1)) {
            return true;
        }
        return initialSalts.accepts(key, salt, now);
    }

    @Override
    public List<FutureSalt> future(AuthKeyId key, Instant now, int num) {
        int n = Math.max(0, Math.min(num, MAX_FUTURE_SALTS));
        long k = slotOf(now);
        List<FutureSalt> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long since = (k + i) * periodSeconds;
            long until = (k + i + 1) * periodSeconds + overlapSeconds;
            out.add(new FutureSalt((int) since, (int) until, saltOf(key, k + i)));
        }
        return out;
    }

    /** Checks that the secret works with this JDK (fails fast at start-up, not on the first message). */
    public static void checkAvailable() {
        try {
            Mac.getInstance("HmacSHA256").init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        } catch (InvalidKeyException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
