package io.mtgate.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtgate.tl.Tl;
import io.mtgate.tl.TlDecodeException;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.TlReader;
import io.mtgate.tl.api.l228.JsonArray;
import io.mtgate.tl.api.l228.JsonNumber;
import io.mtgate.tl.api.l228.JsonObject;
import io.mtgate.tl.api.l228.JsonObjectValue;
import io.mtgate.tl.api.l228.JsonString;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
    static String json(TlObject v) {
        return JsonValues.readAsJson(new TlReader(Unpooled.wrappedBuffer(Tl.serialize(v)), TlLimits.DEFAULT, null));
    }

    @Test
    void numbersAndStrings() {
        assertThat(json(new JsonNumber(-7))).isEqualTo("-7");
        assertThat(json(new JsonNumber(0.25))).isEqualTo("0.25");
        assertThat(json(new JsonNumber(Double.NaN))).isEqualTo("null");
        assertThat(json(new JsonNumber(Double.POSITIVE_INFINITY))).isEqualTo("null");
        assertThat(json(new JsonString("\u0001\\\u2028é"))).isEqualTo("\"\\u0001\\\\\\u2028é\"");
        assertThat(json(new JsonObject(List.of()))).isEqualTo("{}");
    }

    @Test
    void nestingIsBounded() {
        io.mtgate.tl.api.l228.TJSONValue v = new JsonString("x");
        for (int i = 0; i <= JsonValues.MAX_DEPTH; i++) {
            v = new JsonArray(List.of(v));
        }
        TlObject deep = v;
        assertThatThrownBy(() -> json(deep)).isInstanceOf(TlDecodeException.class);
        TlObject wrongInner = new JsonObject(List.of(new JsonObjectValue("k", new JsonString("v"))));
        byte[] b = Tl.serialize(wrongInner);
        b[12] ^= 1; // jsonObjectValue's constructor id (after object id, vector id, count)
        assertThatThrownBy(() -> JsonValues.readAsJson(new TlReader(Unpooled.wrappedBuffer(b), TlLimits.DEFAULT,
                null))).isInstanceOf(TlDecodeException.class);
    }
}
