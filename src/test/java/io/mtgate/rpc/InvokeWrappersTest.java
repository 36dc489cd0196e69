package io.mtgate.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtgate.rpc.RpcTestSupport.Gzip;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlDecodeException;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.api.l228.HelpGetConfig;
import io.mtgate.tl.api.l228.InitConnection;
import io.mtgate.tl.api.l228.InputClientProxy;
import io.mtgate.tl.api.l228.InvokeAfterMsg;
import io.mtgate.tl.api.l228.InvokeAfterMsgs;
import io.mtgate.tl.api.l228.InvokeWithApnsSecret;
import io.mtgate.tl.api.l228.InvokeWithBusinessConnection;
import io.mtgate.tl.api.l228.InvokeWithGooglePlayIntegrity;
import io.mtgate.tl.api.l228.InvokeWithLayer;
import io.mtgate.tl.api.l228.InvokeWithMessagesRange;
import io.mtgate.tl.api.l228.InvokeWithReCaptcha;
import io.mtgate.tl.api.l228.InvokeWithTakeout;
import io.mtgate.tl.api.l228.InvokeWithoutUpdates;
import io.mtgate.tl.api.l228.JsonArray;
import io.mtgate.tl.api.l228.JsonBool;
import io.mtgate.tl.api.l228.JsonNull;
import io.mtgate.tl.api.l228.JsonNumber;
import io.mtgate.tl.api.l228.JsonObject;
import io.mtgate.tl.api.l228.JsonObjectValue;
import io.mtgate.tl.api.l228.JsonString;
import io.mtgate.tl.api.l228.MessageRange;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wrappers are built with the generated serializers (an independent encoder) and read back by hand. */
class InvokeWrappersTest {
    private static final TlObject QUERY = new HelpGetConfig();
    private static final byte[] QUERY_BYTES = Tl.serialize(QUERY);
    private final InvokeWrappers wrappers = new InvokeWrappers(TlLimits.DEFAULT, 1 << 20);

    private UnwrappedQuery unwrap(TlObject o) {
        return wrappers.unwrap(Tl.serialize(o));
    }

    static InitConnection init(TlObject query) {
        return new InitConnection(2040, "PC 64bit", "Linux", "5.1 x64", "en-US", "tdesktop", "en", null, null, query);
    }

    @Test
    void bareQueryHasNothingAround() {
        UnwrappedQuery q = unwrap(QUERY);
        assertThat(q.method()).isEqualTo(QUERY_BYTES);
        assertThat(q.statedLayer()).isNull();
        assertThat(q.clientInfo()).isNull();
        assertThat(q.afterMsgIds()).isEmpty();
        assertThat(q.options()).isEqualTo(InvokeOptions.NONE);
        assertThat(q.methodId()).isEqualTo(HelpGetConfig.CONSTRUCTOR_ID);
    }

    @Test
    void invokeWithLayer() {
        UnwrappedQuery q = unwrap(new InvokeWithLayer(201, QUERY));
        assertThat(q.statedLayer()).isEqualTo(201);
        assertThat(q.method()).isEqualTo(QUERY_BYTES);
    }

    @Test
    void initConnectionWithoutOptionalFields() {
        UnwrappedQuery q = unwrap(init(QUERY));
        assertThat(q.clientInfo()).isEqualTo(new ClientInfo(2040, "PC 64bit", "Linux", "5.1 x64", "en-US", "tdesktop",
                "en", null, "{}"));
        assertThat(q.method()).isEqualTo(QUERY_BYTES);
    }

    @Test
    void initConnectionWithProxyAndParams() {
        JsonObject params = new JsonObject(List.of(
                new JsonObjectValue("tz_offset", new JsonNumber(3600)),
                new JsonObjectValue("x", new JsonArray(List.of(new JsonNull(), new JsonBool(true),
                        new JsonString("a\"b\n"), new JsonNumber(1.5))))));
        UnwrappedQuery q = unwrap(new InitConnection(6, "dev", "sys", "app", "de", "android", "de",
                new InputClientProxy("proxy.example", 443), params, QUERY));
        assertThat(q.clientInfo().proxy()).isEqualTo(new ClientInfo.ClientProxy("proxy.example", 443));
        assertThat(q.clientInfo().paramsJson()).isEqualTo("{\"tz_offset\":3600,\"x\":[null,true,\"a\\\"b\\n\",1.5]}");
        assertThat(q.method()).isEqualTo(QUERY_BYTES);
    }

    @Test
    void invokeAfterMsgAndMsgs() {
        assertThat(unwrap(new InvokeAfterMsg(77L, QUERY)).afterMsgIds()).containsExactly(77L);
        UnwrappedQuery q = unwrap(new InvokeAfterMsgs(List.of(1L, 2L, 3L), new InvokeAfterMsg(4L, QUERY)));
        assertThat(q.afterMsgIds()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(q.method()).isEqualTo(QUERY_BYTES);
    }

    @Test
    void optionWrappers() {
        assertThat(unwrap(new InvokeWithoutUpdates(QUERY)).options().withoutUpdates()).isTrue();
        assertThat(unwrap(new InvokeWithMessagesRange(new MessageRange(5, 9), QUERY)).options().messagesRange())
                .isEqualTo(new InvokeOptions.MessageRange(5, 9));
        assertThat(unwrap(new InvokeWithTakeout(-42L, QUERY)).options().takeoutId()).isEqualTo(-42L);
        assertThat(unwrap(new InvokeWithBusinessConnection("bc1", QUERY)).options().businessConnectionId())
                .isEqualTo("bc1");
        assertThat(unwrap(new InvokeWithGooglePlayIntegrity("n", "t", QUERY)).options().googlePlayIntegrity())
                .isEqualTo(new InvokeOptions.NonceAndToken("n", "t"));
        assertThat(unwrap(new InvokeWithApnsSecret("n2", "s2", QUERY)).options().apnsSecret())
                .isEqualTo(new InvokeOptions.NonceAndToken("n2", "s2"));
        assertThat(unwrap(new InvokeWithReCaptcha("tok", QUERY)).options().recaptchaToken()).isEqualTo("tok");
        for (TlObject o : List.of(new InvokeWithoutUpdates(QUERY), new InvokeWithTakeout(1, QUERY),
                new InvokeWithReCaptcha("tok", QUERY))) {
            assertThat(unwrap(o).method()).isEqualTo(QUERY_BYTES);
        }
    }

    @Test
    void gzipPackedQuery() {
        UnwrappedQuery q = unwrap(new Gzip(QUERY));
        assertThat(q.method()).isEqualTo(QUERY_BYTES);
    }

    @Test
    void tdlibOrder() {
        // invokeWithLayer(initConnection(invokeAfterMsg(gzip_packed(query))))
        UnwrappedQuery q = unwrap(new InvokeWithLayer(228, init(new InvokeAfterMsg(9L, new Gzip(QUERY)))));
        assertThat(q.statedLayer()).isEqualTo(228);
        assertThat(q.clientInfo().apiId()).isEqualTo(2040);
        assertThat(q.afterMsgIds()).containsExactly(9L);
        assertThat(q.method()).isEqualTo(QUERY_BYTES);
    }

    @Test
    void documentedOrderAndWrappersInsideGzip() {
        // invokeAfterMsgs outermost, then a gzip holding invokeWithLayer(initConnection(invokeWithoutUpdates(q)))
        UnwrappedQuery q = unwrap(new InvokeAfterMsgs(List.of(3L),
                new Gzip(new InvokeWithLayer(158, init(new InvokeWithoutUpdates(QUERY))))));
        assertThat(q.afterMsgIds()).containsExactly(3L);
        assertThat(q.statedLayer()).isEqualTo(158);
        assertThat(q.clientInfo()).isNotNull();
        assertThat(q.options().withoutUpdates()).isTrue();
        assertThat(q.method()).isEqualTo(QUERY_BYTES);
    }

    @Test
    void innermostLayerWins() {
        assertThat(unwrap(new InvokeWithLayer(144, new InvokeWithLayer(198, QUERY))).statedLayer()).isEqualTo(198);
    }

    @Test
    void tooManyWrappersAreRefused() {
        TlObject o = QUERY;
        for (int i = 0; i < InvokeWrappers.MAX_WRAPPERS; i++) {
            o = new InvokeWithoutUpdates(o);
        }
        assertThat(unwrap(o).method()).isEqualTo(QUERY_BYTES);
        TlObject deeper = new InvokeWithoutUpdates(o);
        assertThatThrownBy(() -> unwrap(deeper)).isInstanceOf(TlDecodeException.class);
    }

    @Test
    void truncatedWrapperIsRefused() {
        byte[] full = Tl.serialize(init(QUERY));
        for (int cut : new int[] {2, 6, 12, 20}) {
            byte[] part = Arrays.copyOf(full, cut);
            assertThatThrownBy(() -> wrappers.unwrap(part)).as("cut at %d", cut).isInstanceOf(TlDecodeException.class);
        }
    }

    @Test
    void gzipBeyondTheLimitIsRefused() {
        InvokeWrappers small = new InvokeWrappers(TlLimits.DEFAULT, 64);
        byte[] big = Tl.serialize(new Gzip(new InvokeWithReCaptcha("x".repeat(200), QUERY)));
        assertThatThrownBy(() -> small.unwrap(big)).isInstanceOf(TlDecodeException.class);
        assertThat(wrappers.unwrap(big).method()).isEqualTo(QUERY_BYTES);
    }

    @Test
    void wrongNestedConstructorInMessagesRangeIsRefused() {
        byte[] b = Tl.serialize(new InvokeWithMessagesRange(new MessageRange(1, 2), QUERY));
        b[4] ^= 1; // corrupt messageRange's constructor id
        assertThatThrownBy(() -> wrappers.unwrap(b)).isInstanceOf(TlDecodeException.class);
    }
}
