package io.mtgate.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiLayerTest {
    @Test
    void clientLayersMapToTheHighestSupportedLayerNotAboveThem() {
        assertThat(ApiLayer.forClientLayer(0)).isEmpty();
        assertThat(ApiLayer.forClientLayer(143)).isEmpty();
        assertThat(ApiLayer.forClientLayer(144)).contains(ApiLayer.L144);
        assertThat(ApiLayer.forClientLayer(157)).contains(ApiLayer.L144);
        assertThat(ApiLayer.forClientLayer(158)).contains(ApiLayer.L158);
        assertThat(ApiLayer.forClientLayer(197)).contains(ApiLayer.L158);
        assertThat(ApiLayer.forClientLayer(198)).contains(ApiLayer.L198);
        assertThat(ApiLayer.forClientLayer(221)).contains(ApiLayer.L198);
        assertThat(ApiLayer.forClientLayer(222)).contains(ApiLayer.L222);
        assertThat(ApiLayer.forClientLayer(227)).contains(ApiLayer.L222);
        assertThat(ApiLayer.forClientLayer(228)).contains(ApiLayer.L228);
        assertThat(ApiLayer.forClientLayer(Integer.MAX_VALUE)).contains(ApiLayer.L228);
        assertThat(ApiLayer.exactly(200)).isEmpty();
        assertThat(ApiLayer.exactly(222)).contains(ApiLayer.L222);
    }

    @Test
    void foreignResultsAreRecognised() {
        assertThat(ApiLayer.L228.isForeign(new io.mtgate.tl.api.l144.NearestDc("", 1, 1))).isTrue();
        assertThat(ApiLayer.L144.isForeign(new io.mtgate.tl.api.l144.NearestDc("", 1, 1))).isFalse();
        assertThat(ApiLayer.L144.isForeign(TlBool.TRUE)).isFalse();
        assertThat(ApiLayer.L144.isForeign(RpcError.INTERNAL)).isFalse();
    }

    @Test
    void eachLayerHasItsOwnConfigConstructor() {
        assertThat(ApiLayer.L144.registry().contains(0x330b4067)).isTrue();
        assertThat(ApiLayer.L144.registry().contains(0xcc1a241e)).isFalse();
        assertThat(ApiLayer.L158.registry().contains(0xcc1a241e)).isTrue();
        assertThat(ApiLayer.L144.isLoaded()).isTrue();
    }
}
