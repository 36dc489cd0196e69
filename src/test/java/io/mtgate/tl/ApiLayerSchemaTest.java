package io.mtgate.tl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated API layers (io.mtgate.tl.api.l144 ... l228): each registry builds, Config
 * round-trips in its layer's shape, and real client connect requests decode.
 */
class ApiLayerSchemaTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * Telethon 1.25.1 (layer 144), produced with
     * {@code functions.InvokeWithLayerRequest(144, functions.InitConnectionRequest(api_id=12345,
     * device_model='PC 64bit', system_version='Linux', app_version='1.0', system_lang_code='en',
     * lang_pack='', lang_code='en', query=functions.help.GetConfigRequest())).__bytes__()}.
     */
    private static final String TELETHON_144_CONNECT = "0d0d9bda90000000a95ecdc1000000003930000008504320363"
            + "4626974000000054c696e7578000003312e3002656e000000000002656e006b18f9c4";

    private static int idOf(byte[] wire) {
        return ByteBuffer.wrap(wire, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** Encodes, checks the boxed id, decodes with the layer's registry and re-encodes. */
    private static TlObject roundTrip(TlObject value, TlRegistry registry, int expectedId) {
        byte[] wire = Tl.serialize(value);
        assertEquals(expectedId, idOf(wire), "constructor id on the wire");
        TlObject back = Tl.deserialize(wire, registry, TlLimits.DEFAULT);
        assertEquals(value, back);
        assertArrayEquals(wire, Tl.serialize(back));
        return back;
    }

    @Test
    void everyLayerRegistryBuildsWithoutDuplicateIds() {
        // The builder throws on an id defined twice, so reaching size() means none was.
        assertTrue(io.mtgate.tl.api.l144.Schema.REGISTRY.size() > 1000, "layer 144");
        assertTrue(io.mtgate.tl.api.l158.Schema.REGISTRY.size() > 1000, "layer 158");
        assertTrue(io.mtgate.tl.api.l198.Schema.REGISTRY.size() > 1000, "layer 198");
        assertTrue(io.mtgate.tl.api.l222.Schema.REGISTRY.size() > 1000, "layer 222");
        assertTrue(io.mtgate.tl.api.l228.Schema.REGISTRY.size() > 1000, "layer 228");
        // tdlib (222, 228): prefix functions are skipped, so the ids belong to the real functions;
        // the mtproto.tl duplicates and legacy constructors are gone and null#56730bcc is back.
        assertTrue(io.mtgate.tl.api.l222.Schema.REGISTRY.contains(io.mtgate.tl.api.l222.Null.CONSTRUCTOR_ID));
        assertEquals(0x56730bcc, io.mtgate.tl.api.l222.Null.CONSTRUCTOR_ID);
        assertTrue(io.mtgate.tl.api.l222.Schema.REGISTRY.contains(0xdd289f8e)); // invokeWithBusinessConnection
        assertInstanceOf(io.mtgate.tl.api.l222.InvokeWithBusinessConnection.class,
                io.mtgate.tl.api.l222.Schema.REGISTRY.decoder(0xdd289f8e).decode(new TlReader(
                        Unpooled.wrappedBuffer(HEX.parseHex("0461626364000000" + "6b18f9c4")), TlLimits.DEFAULT,
                        io.mtgate.tl.api.l222.Schema.REGISTRY)));
        assertTrue(!io.mtgate.tl.api.l222.Schema.REGISTRY.contains(0xd433ad73)); // ipPort (mtproto.tl)
        assertTrue(!io.mtgate.tl.api.l222.Schema.REGISTRY.contains(0x27d69997)); // inputPeerPhotoFileLocationLegacy
        assertTrue(io.mtgate.tl.api.l228.Schema.REGISTRY.contains(io.mtgate.tl.api.l228.Null.CONSTRUCTOR_ID));
        assertEquals(0x56730bcc, io.mtgate.tl.api.l228.Null.CONSTRUCTOR_ID);
        assertTrue(io.mtgate.tl.api.l228.Schema.REGISTRY.contains(0xdd289f8e)); // invokeWithBusinessConnection
        assertInstanceOf(io.mtgate.tl.api.l228.InvokeWithBusinessConnection.class,
                io.mtgate.tl.api.l228.Schema.REGISTRY.decoder(0xdd289f8e).decode(new TlReader(
                        Unpooled.wrappedBuffer(HEX.parseHex("0461626364000000" + "6b18f9c4")), TlLimits.DEFAULT,
                        io.mtgate.tl.api.l228.Schema.REGISTRY)));
        assertTrue(!io.mtgate.tl.api.l228.Schema.REGISTRY.contains(0xd433ad73)); // ipPort (mtproto.tl)
        assertTrue(!io.mtgate.tl.api.l228.Schema.REGISTRY.contains(0x27d69997)); // inputPeerPhotoFileLocationLegacy
    }

    @Test
    void configRoundTripsAtLayer144() {
        io.mtgate.tl.api.l144.Config config = new io.mtgate.tl.api.l144.Config(true,
                false,
                true,
                false,
                true,
                false,
                true,
                false,
                1_700_000_000,
                1_700_003_600,
                false,
                2,
                List.of(
                new io.mtgate.tl.api.l144.DcOption(false, false, false, false, false, false, 2, "149.154.167.51", 443, null),
                new io.mtgate.tl.api.l144.DcOption(true, true, false, false, true, false, 2, "2001:67c:4e8:f002::a", 443, null)),
                "apv3.stel.com",
                100,
                101,
                102,
                103,
                104,
                105,
                106,
                107,
                108,
                109,
                110,
                111,
                112,
                113,
                114,
                115,
                116,
                117,
                118,
                null,
                119,
                120,
                121,
                122,
                123,
                124,
                "https://t.me/",
                null,
                "gif",
                "foursquare",
                "bing",
                null,
                125,
                126,
                127,
                "en",
                42,
                7);
        assertEquals(0x330b4067, io.mtgate.tl.api.l144.Config.CONSTRUCTOR_ID);
        io.mtgate.tl.api.l144.Config back = (io.mtgate.tl.api.l144.Config) roundTrip(config, io.mtgate.tl.api.l144.Schema.REGISTRY, 0x330b4067);
        assertEquals(2, back.dcOptions().size());
        io.mtgate.tl.api.l144.DcOption v6 = (io.mtgate.tl.api.l144.DcOption) back.dcOptions().get(1);
        assertTrue(v6.ipv6() && v6.mediaOnly() && v6.static_());
        assertEquals("2001:67c:4e8:f002::a", v6.ipAddress());
        assertNull(back.autoupdateUrlPrefix());
        assertEquals(42, back.langPackVersion());
        // As a help.getConfig answer: the boxed value decodes as TConfig.
        TlReader r = new TlReader(Unpooled.wrappedBuffer(Tl.serialize(config)), TlLimits.DEFAULT, null);
        assertInstanceOf(io.mtgate.tl.api.l144.Config.class, r.readObject(io.mtgate.tl.api.l144.Schema.REGISTRY, io.mtgate.tl.api.l144.TConfig.class));
    }

    @Test
    void configRoundTripsAtLayer158() {
        io.mtgate.tl.api.l158.Config config = new io.mtgate.tl.api.l158.Config(true,
                false,
                true,
                false,
                true,
                1_700_000_000,
                1_700_003_600,
                false,
                2,
                List.of(
                new io.mtgate.tl.api.l158.DcOption(false, false, false, false, false, false, 2, "149.154.167.51", 443, null),
                new io.mtgate.tl.api.l158.DcOption(true, true, false, false, true, false, 2, "2001:67c:4e8:f002::a", 443, null)),
                "apv3.stel.com",
                100,
                101,
                102,
                103,
                104,
                105,
                106,
                107,
                108,
                109,
                110,
                111,
                112,
                113,
                114,
                115,
                116,
                null,
                117,
                118,
                119,
                120,
                "https://t.me/",
                null,
                "gif",
                "foursquare",
                "bing",
                null,
                121,
                122,
                123,
                "en",
                42,
                7,
                new io.mtgate.tl.api.l158.ReactionEmoji("\ud83d\udc4d"),
                "token");
        assertEquals(0xcc1a241e, io.mtgate.tl.api.l158.Config.CONSTRUCTOR_ID);
        io.mtgate.tl.api.l158.Config back = (io.mtgate.tl.api.l158.Config) roundTrip(config, io.mtgate.tl.api.l158.Schema.REGISTRY, 0xcc1a241e);
        assertEquals(2, back.dcOptions().size());
        io.mtgate.tl.api.l158.DcOption v6 = (io.mtgate.tl.api.l158.DcOption) back.dcOptions().get(1);
        assertTrue(v6.ipv6() && v6.mediaOnly() && v6.static_());
        assertEquals("2001:67c:4e8:f002::a", v6.ipAddress());
        assertNull(back.autoupdateUrlPrefix());
        assertEquals(42, back.langPackVersion());
        // As a help.getConfig answer: the boxed value decodes as TConfig.
        TlReader r = new TlReader(Unpooled.wrappedBuffer(Tl.serialize(config)), TlLimits.DEFAULT, null);
        assertInstanceOf(io.mtgate.tl.api.l158.Config.class, r.readObject(io.mtgate.tl.api.l158.Schema.REGISTRY, io.mtgate.tl.api.l158.TConfig.class));
    }

    @Test
    void configRoundTripsAtLayer198() {
        io.mtgate.tl.api.l198.Config config = new io.mtgate.tl.api.l198.Config(true,
                false,
                true,
                false,
                true,
                1_700_000_000,
                1_700_003_600,
                false,
                2,
                List.of(
                new io.mtgate.tl.api.l198.DcOption(false, false, false, false, false, false, 2, "149.154.167.51", 443, null),
                new io.mtgate.tl.api.l198.DcOption(true, true, false, false, true, false, 2, "2001:67c:4e8:f002::a", 443, null)),
                "apv3.stel.com",
                100,
                101,
                102,
                103,
                104,
                105,
                106,
                107,
                108,
                109,
                110,
                111,
                112,
                113,
                114,
                115,
                116,
                null,
                117,
                118,
                119,
                120,
                "https://t.me/",
                null,
                "gif",
                "foursquare",
                "bing",
                null,
                121,
                122,
                123,
                "en",
                42,
                7,
                new io.mtgate.tl.api.l198.ReactionEmoji("\ud83d\udc4d"),
                "token");
        assertEquals(0xcc1a241e, io.mtgate.tl.api.l198.Config.CONSTRUCTOR_ID);
        io.mtgate.tl.api.l198.Config back = (io.mtgate.tl.api.l198.Config) roundTrip(config, io.mtgate.tl.api.l198.Schema.REGISTRY, 0xcc1a241e);
        assertEquals(2, back.dcOptions().size());
        io.mtgate.tl.api.l198.DcOption v6 = (io.mtgate.tl.api.l198.DcOption) back.dcOptions().get(1);
        assertTrue(v6.ipv6() && v6.mediaOnly() && v6.static_());
        assertEquals("2001:67c:4e8:f002::a", v6.ipAddress());
        assertNull(back.autoupdateUrlPrefix());
        assertEquals(42, back.langPackVersion());
        // As a help.getConfig answer: the boxed value decodes as TConfig.
        TlReader r = new TlReader(Unpooled.wrappedBuffer(Tl.serialize(config)), TlLimits.DEFAULT, null);
        assertInstanceOf(io.mtgate.tl.api.l198.Config.class, r.readObject(io.mtgate.tl.api.l198.Schema.REGISTRY, io.mtgate.tl.api.l198.TConfig.class));
    }

    @Test
    void configRoundTripsAtLayer222() {
        io.mtgate.tl.api.l222.Config config = new io.mtgate.tl.api.l222.Config(true,
                false,
                true,
                false,
                true,
                1_700_000_000,
                1_700_003_600,
                false,
                2,
                List.of(
                new io.mtgate.tl.api.l222.DcOption(false, false, false, false, false, false, 2, "149.154.167.51", 443, null),
                new io.mtgate.tl.api.l222.DcOption(true, true, false, false, true, false, 2, "2001:67c:4e8:f002::a", 443, null)),
                "apv3.stel.com",
                100,
                101,
                102,
                103,
                104,
                105,
                106,
                107,
                108,
                109,
                110,
                111,
                112,
                113,
                114,
                115,
                116,
                null,
                117,
                118,
                119,
                120,
                "https://t.me/",
                null,
                "gif",
                "foursquare",
                "bing",
                null,
                121,
                122,
                123,
                "en",
                42,
                7,
                new io.mtgate.tl.api.l222.ReactionEmoji("\ud83d\udc4d"),
                "token");
        assertEquals(0xcc1a241e, io.mtgate.tl.api.l222.Config.CONSTRUCTOR_ID);
        io.mtgate.tl.api.l222.Config back = (io.mtgate.tl.api.l222.Config) roundTrip(config, io.mtgate.tl.api.l222.Schema.REGISTRY, 0xcc1a241e);
        assertEquals(2, back.dcOptions().size());
        io.mtgate.tl.api.l222.DcOption v6 = (io.mtgate.tl.api.l222.DcOption) back.dcOptions().get(1);
        assertTrue(v6.ipv6() && v6.mediaOnly() && v6.static_());
        assertEquals("2001:67c:4e8:f002::a", v6.ipAddress());
        assertNull(back.autoupdateUrlPrefix());
        assertEquals(42, back.langPackVersion());
        // As a help.getConfig answer: the boxed value decodes as TConfig.
        TlReader r = new TlReader(Unpooled.wrappedBuffer(Tl.serialize(config)), TlLimits.DEFAULT, null);
        assertInstanceOf(io.mtgate.tl.api.l222.Config.class, r.readObject(io.mtgate.tl.api.l222.Schema.REGISTRY, io.mtgate.tl.api.l222.TConfig.class));
    }

    @Test
    void configRoundTripsAtLayer228() {
        io.mtgate.tl.api.l228.Config config = new io.mtgate.tl.api.l228.Config(true,
                false,
                true,
                false,
                true,
                1_700_000_000,
                1_700_003_600,
                false,
                2,
                List.of(
                new io.mtgate.tl.api.l228.DcOption(false, false, false, false, false, false, 2, "149.154.167.51", 443, null),
                new io.mtgate.tl.api.l228.DcOption(true, true, false, false, true, false, 2, "2001:67c:4e8:f002::a", 443, null)),
                "apv3.stel.com",
                100,
                101,
                102,
                103,
                104,
                105,
                106,
                107,
                108,
                109,
                110,
                111,
                112,
                113,
                114,
                115,
                116,
                null,
                117,
                118,
                119,
                120,
                "https://t.me/",
                null,
                "gif",
                "foursquare",
                "bing",
                null,
                121,
                122,
                123,
                "en",
                42,
                7,
                new io.mtgate.tl.api.l228.ReactionEmoji("\ud83d\udc4d"),
                "token");
        assertEquals(0xcc1a241e, io.mtgate.tl.api.l228.Config.CONSTRUCTOR_ID);
        io.mtgate.tl.api.l228.Config back = (io.mtgate.tl.api.l228.Config) roundTrip(config, io.mtgate.tl.api.l228.Schema.REGISTRY, 0xcc1a241e);
        assertEquals(2, back.dcOptions().size());
        io.mtgate.tl.api.l228.DcOption v6 = (io.mtgate.tl.api.l228.DcOption) back.dcOptions().get(1);
        assertTrue(v6.ipv6() && v6.mediaOnly() && v6.static_());
        assertEquals("2001:67c:4e8:f002::a", v6.ipAddress());
        assertNull(back.autoupdateUrlPrefix());
        assertEquals(42, back.langPackVersion());
        // As a help.getConfig answer: the boxed value decodes as TConfig.
        TlReader r = new TlReader(Unpooled.wrappedBuffer(Tl.serialize(config)), TlLimits.DEFAULT, null);
        assertInstanceOf(io.mtgate.tl.api.l228.Config.class, r.readObject(io.mtgate.tl.api.l228.Schema.REGISTRY, io.mtgate.tl.api.l228.TConfig.class));
    }

    @Test
    void decodesTelethon1251ConnectRequestAtLayer144() {
        byte[] wire = HEX.parseHex(TELETHON_144_CONNECT);
        TlRegistry reg = io.mtgate.tl.api.l144.Schema.REGISTRY;
        var outer = assertInstanceOf(io.mtgate.tl.api.l144.InvokeWithLayer.class,
                Tl.deserialize(wire, reg, TlLimits.DEFAULT));
        assertEquals(144, outer.layer());
        var init = assertInstanceOf(io.mtgate.tl.api.l144.InitConnection.class, outer.query());
        assertEquals(12345, init.apiId());
        assertEquals("PC 64bit", init.deviceModel());
        assertEquals("Linux", init.systemVersion());
        assertEquals("1.0", init.appVersion());
        assertEquals("en", init.systemLangCode());
        assertEquals("", init.langPack());
        assertEquals("en", init.langCode());
        assertNull(init.proxy());
        assertNull(init.params());
        assertInstanceOf(io.mtgate.tl.api.l144.HelpGetConfig.class, init.query());
        assertArrayEquals(wire, Tl.serialize(outer));
    }

    /**
     * The same connect request as a layer-198 client (GramJS 2.26) sends it, with the optional
     * params set, built by hand from the TL definitions rather than with the generated classes.
     */
    @Test
    void decodesHandBuiltConnectRequestAtLayer198() {
        ByteBuf buf = Unpooled.buffer();
        TlWriter w = new TlWriter(buf);
        w.writeInt(0xda9b0d0d); // invokeWithLayer
        w.writeInt(198);
        w.writeInt(0xc1cd5ea9); // initConnection
        w.writeInt(1 << 1); // flags: params
        w.writeInt(2496);
        w.writeString("Chrome");
        w.writeString("Linux x86_64");
        w.writeString("2.26.22");
        w.writeString("en");
        w.writeString("");
        w.writeString("en");
        w.writeInt(0x99c1d49d); // jsonObject
        w.writeInt(0x1cb5c415);
        w.writeInt(1);
        w.writeInt(0xc0de1bd9); // jsonObjectValue
        w.writeString("tz_offset");
        w.writeInt(0x2be0dfa4); // jsonNumber
        w.writeDouble(3600.0);
        w.writeInt(0xc4f9186b); // help.getConfig
        byte[] wire = new byte[buf.readableBytes()];
        buf.readBytes(wire);

        TlRegistry reg = io.mtgate.tl.api.l198.Schema.REGISTRY;
        var outer = assertInstanceOf(io.mtgate.tl.api.l198.InvokeWithLayer.class,
                Tl.deserialize(wire, reg, TlLimits.DEFAULT));
        assertEquals(198, outer.layer());
        var init = assertInstanceOf(io.mtgate.tl.api.l198.InitConnection.class, outer.query());
        assertEquals(2496, init.apiId());
        assertEquals("Chrome", init.deviceModel());
        assertEquals("2.26.22", init.appVersion());
        var params = assertInstanceOf(io.mtgate.tl.api.l198.JsonObject.class, init.params());
        var entry = (io.mtgate.tl.api.l198.JsonObjectValue) params.value().get(0);
        assertEquals("tz_offset", entry.key());
        assertEquals(3600.0, ((io.mtgate.tl.api.l198.JsonNumber) entry.value()).value());
        assertInstanceOf(io.mtgate.tl.api.l198.HelpGetConfig.class, init.query());
        assertArrayEquals(wire, Tl.serialize(outer));
    }
}
