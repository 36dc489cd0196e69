package io.mtgate.tl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mtgate.tl.mtproto.FutureSalt;
import io.mtgate.tl.mtproto.FutureSalts;
import io.mtgate.tl.mtproto.ReqPqMulti;
import io.mtgate.tl.mtproto.ResPQ;
import io.mtgate.tl.mtproto.Schema;
import io.mtgate.tl.mtproto.TResPQ;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated MTProto types against the official sample exchange (checklist A.9). */
class MtprotoSchemaTest {
    private static final HexFormat HEX = HexFormat.of();

    // A.9 step 2, resPQ payload without the 20-byte plain message header.
    private static final String RES_PQ_BODY = "6324160579f0afb50252e5fc96924bfcecda4f05801775a3efbfd2701aa28ad727be4646"
            + "08130b7475669feb8b00000015c4b51c0300000085fd64de851d9dd0a5b7f709355fc30b216be86c022bb4c3";

    @Test
    void decodesAndReencodesTheOfficialResPq() {
        byte[] body = HEX.parseHex(RES_PQ_BODY);
        ResPQ res = assertInstanceOf(ResPQ.class, Tl.deserialize(body, Schema.REGISTRY, TlLimits.DEFAULT));
        assertArrayEquals(HEX.parseHex("79f0afb50252e5fc96924bfcecda4f05"), res.nonce());
        assertArrayEquals(HEX.parseHex("801775a3efbfd2701aa28ad727be4646"), res.serverNonce());
        assertEquals(1372318559046200203L, new java.math.BigInteger(1, res.pq()).longValueExact());
        assertEquals(3, res.serverPublicKeyFingerprints().size());
        assertEquals(0xd09d1d85de64fd85L, res.serverPublicKeyFingerprints().get(0));
        assertArrayEquals(body, Tl.serialize(res));
    }

    @Test
    void decodesTheOfficialReqPqMulti() {
        byte[] body = HEX.parseHex("f18e7ebe79f0afb50252e5fc96924bfcecda4f05");
        ReqPqMulti req = assertInstanceOf(ReqPqMulti.class, Tl.deserialize(body, Schema.REGISTRY, TlLimits.DEFAULT));
        assertArrayEquals(HEX.parseHex("79f0afb50252e5fc96924bfcecda4f05"), req.nonce());
        assertArrayEquals(body, Tl.serialize(req));
    }

    @Test
    void typedReadRejectsAConstructorOfAnotherType() {
        byte[] body = HEX.parseHex("f18e7ebe79f0afb50252e5fc96924bfcecda4f05");
        TlReader r = new TlReader(io.netty.buffer.Unpooled.wrappedBuffer(body), TlLimits.DEFAULT, null);
        assertThrows(TlDecodeException.class, () -> r.readObject(Schema.REGISTRY, TResPQ.class));
    }

    @Test
    void bareVectorsOfBareConstructorsRoundTrip() {
        FutureSalts salts = new FutureSalts(42L, 1000,
                List.of(new FutureSalt(1000, 2800, 7L), new FutureSalt(2800, 4600, -8L)));
        byte[] wire = Tl.serialize(salts);
        // id + req_msg_id + now + count + 2 * (16 bytes) with no per-element constructor ids.
        assertEquals(4 + 8 + 4 + 4 + 2 * 16, wire.length);
        FutureSalts back = (FutureSalts) Tl.deserialize(wire, Schema.REGISTRY, TlLimits.DEFAULT);
        assertEquals(salts, back);
    }

    @Test
    void unknownConstructorAndTruncationsFailTyped() {
        assertThrows(TlDecodeException.class,
                () -> Tl.deserialize(HEX.parseHex("01020304"), Schema.REGISTRY, TlLimits.DEFAULT));
        byte[] body = HEX.parseHex(RES_PQ_BODY);
        for (int cut = 0; cut < body.length; cut++) {
            byte[] prefix = Arrays.copyOf(body, cut);
            assertThrows(TlDecodeException.class, () -> Tl.deserialize(prefix, Schema.REGISTRY, TlLimits.DEFAULT),
                    "prefix of " + cut + " bytes");
        }
    }

    @Test
    void nonceSizesAreEnforcedOnConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new ReqPqMulti(new byte[15]));
        assertThrows(NullPointerException.class, () -> new ReqPqMulti(null));
    }
}
