package io.mtgate.rpc;

import io.mtgate.tl.GzipPacked;
import io.mtgate.tl.TlDecodeException;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlReader;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Takes the invoke wrappers (checklist 4.3) and {@code gzip_packed} off a query, in any order and
 * nesting, by reading their headers directly.
 *
 * <p>Why by hand rather than with a layer's generated {@code InvokeWithLayer} etc.: the wrappers are
 * framing whose ids and fields are the same in every layer, and the layer that decodes the method is
 * only known once {@code invokeWithLayer} has been read. Reading them here keeps the method's bytes
 * intact for the layer chosen afterwards, and accepts the newer wrappers
 * ({@code invokeWithBusinessConnection} ...) whichever layer the client speaks.
 *
 * <p>Bounded: at most {@value #MAX_WRAPPERS} wrappers (gzip_packed included), each gzip inflates to
 * at most {@code maxUnpackedSize} bytes, and strings and vectors obey the {@link TlLimits}. Thread-safe
 * (stateless).
 */
public final class InvokeWrappers {
    public static final int INVOKE_WITH_LAYER = 0xda9b0d0d;
    public static final int INIT_CONNECTION = 0xc1cd5ea9;
    public static final int INVOKE_AFTER_MSG = 0xcb9f372d;
    public static final int INVOKE_AFTER_MSGS = 0x3dc4b4f0;
    public static final int INVOKE_WITHOUT_UPDATES = 0xbf9459b7;
    public static final int INVOKE_WITH_MESSAGES_RANGE = 0x365275f2;
    public static final int INVOKE_WITH_TAKEOUT = 0xaca9fd2e;
    public static final int INVOKE_WITH_BUSINESS_CONNECTION = 0xdd289f8e;
    public static final int INVOKE_WITH_GOOGLE_PLAY_INTEGRITY = 0x1df92984;
    public static final int INVOKE_WITH_APNS_SECRET = 0x0dae54f8;
    public static final int INVOKE_WITH_RECAPTCHA = 0xadbb0f94;
    static final int INPUT_CLIENT_PROXY = 0x75588b3f;
    static final int MESSAGE_RANGE = 0x0ae30253;

    /** Real clients nest four at most (layer, initConnection, afterMsg, gzip). */
    public static final int MAX_WRAPPERS = 16;

    private final TlLimits limits;
    private final int maxUnpackedSize;

    public InvokeWrappers(TlLimits limits, int maxUnpackedSize) {
        this.limits = Objects.requireNonNull(limits, "limits");
        if (maxUnpackedSize < 4) {
            throw new IllegalArgumentException("maxUnpackedSize must be >= 4");
        }
        this.maxUnpackedSize = maxUnpackedSize;
    }

    /**
     * @param query the boxed query as the client sent it
     * @throws TlDecodeException when a wrapper is malformed or truncated, nesting is too deep, a
     *                           gzip_packed is invalid or too large, or no method remains
     */
    public UnwrappedQuery unwrap(byte[] query) {
        Integer layer = null;
        ClientInfo clientInfo = null;
        List<Long> after = new ArrayList<>();
        InvokeOptions options = InvokeOptions.NONE;
        byte[] data = query;
        TlReader r = reader(data);
        for (int wrappers = 0; ; wrappers++) {
            if (wrappers > MAX_WRAPPERS) {
                throw new TlDecodeException("more than " + MAX_WRAPPERS + " invoke wrappers");
            }
            int start = r.position();
            int id = r.readInt();
            switch (id) {
                case INVOKE_WITH_LAYER -> layer = r.readInt();
                case INIT_CONNECTION -> clientInfo = readInitConnection(r);
                case INVOKE_AFTER_MSG -> after.add(r.readLong());
                case INVOKE_AFTER_MSGS -> after.addAll(r.readVector(true, TlReader::readLong));
                case INVOKE_WITHOUT_UPDATES -> options = options.withoutUpdates(true);
                case INVOKE_WITH_MESSAGES_RANGE -> {
                    expect(r, MESSAGE_RANGE, "messageRange");
                    options = options.messagesRange(new InvokeOptions.MessageRange(r.readInt(), r.readInt()));
                }
                case INVOKE_WITH_TAKEOUT -> options = options.takeoutId(r.readLong());
                case INVOKE_WITH_BUSINESS_CONNECTION -> options = options.businessConnectionId(r.readString());
                case INVOKE_WITH_GOOGLE_PLAY_INTEGRITY -> options = options.googlePlayIntegrity(
                        new InvokeOptions.NonceAndToken(r.readString(), r.readString()));
                case INVOKE_WITH_APNS_SECRET -> options = options.apnsSecret(
                        new InvokeOptions.NonceAndToken(r.readString(), r.readString()));
                case INVOKE_WITH_RECAPTCHA -> options = options.recaptchaToken(r.readString());
                case GzipPacked.CONSTRUCTOR_ID -> {
                    data = GzipPacked.unpack(r.readBytes(), maxUnpackedSize);
                    r = reader(data);
                }
                default -> {
                    // The method: everything from its constructor id on (trailing bytes included,
                    // as the layer decoder ignores them).
                    byte[] method = Arrays.copyOfRange(data, start, data.length);
                    return new UnwrappedQuery(layer, clientInfo, after, options, method);
                }
            }
        }
    }

    private TlReader reader(byte[] data) {
        // No registry: wrappers contain no open-typed values except the query itself, read here.
        return new TlReader(Unpooled.wrappedBuffer(data), limits, null);
    }

    private static ClientInfo readInitConnection(TlReader r) {
        int flags = r.readInt();
        int apiId = r.readInt();
        String deviceModel = r.readString();
        String systemVersion = r.readString();
        String appVersion = r.readString();
        String systemLangCode = r.readString();
        String langPack = r.readString();
        String langCode = r.readString();
        ClientInfo.ClientProxy proxy = null;
        if ((flags & 1) != 0) {
            expect(r, INPUT_CLIENT_PROXY, "inputClientProxy");
            proxy = new ClientInfo.ClientProxy(r.readString(), r.readInt());
        }
        String params = (flags & 2) != 0 ? JsonValues.readAsJson(r) : "{}";
        return new ClientInfo(apiId, deviceModel, systemVersion, appVersion, systemLangCode, langPack, langCode,
                proxy, params);
    }

    private static void expect(TlReader r, int id, String what) {
        int got = r.readInt();
        if (got != id) {
            throw new io.mtgate.tl.TlConstructorException("expected " + what + ", got constructor " + Integer.toHexString(got));
        }
    }
}
