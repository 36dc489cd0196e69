package io.mtgate.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.rpc.builtin.DcConfig;
import io.mtgate.rpc.builtin.HelpGetConfigHandler;
import io.mtgate.rpc.builtin.HelpGetNearestDcHandler;
import io.mtgate.tl.TlObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HelpGetConfigHandlerTest {
    final RpcTestSupport.TestClock clock = new RpcTestSupport.TestClock(Instant.parse("2026-03-01T00:00:00Z"));

    static RpcContext ctx(ApiLayer layer) {
        return new RpcContext(RpcTestSupport.permKey(1), null, 1, 2, layer, layer.number(), null, null,
                InvokeOptions.NONE);
    }

    private TlObject answer(HelpGetConfigHandler h, ApiLayer layer) {
        return h.handle(ctx(layer), new io.mtgate.tl.api.l144.HelpGetConfig()).toCompletableFuture().join();
    }

    @Test
    void portZeroAnnouncesTheListenersPort() {
        DcConfig dc = DcConfig.defaults(3, "2001:db8::5", 0);
        io.mtgate.tl.api.l222.Config c = (io.mtgate.tl.api.l222.Config) answer(
                new HelpGetConfigHandler(dc, clock, () -> 40404), ApiLayer.L222);
        io.mtgate.tl.api.l222.DcOption o = (io.mtgate.tl.api.l222.DcOption) c.dcOptions().get(0);
        assertThat(o.port()).isEqualTo(40404);
        assertThat(o.ipv6()).isTrue();
        assertThat(o.id()).isEqualTo(3);
        assertThat(c.webfileDcId()).isEqualTo(3);
    }

    @Test
    void everyLayerGetsItsOwnConfigClassWithTheClocksDate() {
        DcConfig dc = new DcConfig(2, "10.1.2.3", 443, "DE", true, Duration.ofMinutes(10),
                DcConfig.Limits.TELEGRAM, "https://example.org/");
        HelpGetConfigHandler h = new HelpGetConfigHandler(dc, clock);
        for (ApiLayer layer : ApiLayer.values()) {
            TlObject c = answer(h, layer);
            assertThat(layer.isForeign(c)).as("%s", layer).isFalse();
            assertThat(c.getClass().getSimpleName()).isEqualTo("Config");
        }
        io.mtgate.tl.api.l158.Config c158 = (io.mtgate.tl.api.l158.Config) answer(h, ApiLayer.L158);
        assertThat(c158.date()).isEqualTo((int) clock.instant().getEpochSecond());
        assertThat(c158.expires() - c158.date()).isEqualTo(600);
        assertThat(c158.testMode()).isTrue();
        assertThat(c158.meUrlPrefix()).isEqualTo("https://example.org/");
        TlObject nearest = new HelpGetNearestDcHandler(dc).handle(ctx(ApiLayer.L198), null).toCompletableFuture().join();
        assertThat(nearest).isEqualTo(new io.mtgate.tl.api.l198.NearestDc("DE", 2, 2));
    }
}
