package io.mtgate.transport;

import static io.mtgate.transport.Harness.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AesCtr;
import io.mtgate.transport.TestClient.Item;
import io.mtgate.transport.TestClient.Mode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Server->client encoding per transport, decoded by the client's view; spec vectors A.11/A.12. */
@ExtendWith(LeakDetectionExtension.class)
class OutboundAndVectorsTest {
    private static final int TOKEN = 0x8badf00d;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> modes() {
        return FramingSplitTest.modes();
    }

    @ParameterizedTest
    @MethodSource("modes")
    void framesQuickAcksAndErrorsRoundTrip(TransportKind kind, Mode mode) {
        Random rnd = new Random(7);
        TestClient client = new TestClient(kind, mode, Harness.SECRET, 2, rnd);
        Harness h = new Harness(Harness.settingsWithSecret(), new Random(1));
        h.write(client.prologue()).write(client.frame(new byte[8], false, new byte[0])); // detection needs bytes
        assertEquals(1, h.takeFrames().size());
        List<Item> expected = new ArrayList<>();
        for (int size : new int[] {4, 72, 504, 508, 4096}) {
            byte[] p = new byte[size];
            rnd.nextBytes(p);
            h.channel.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(p)));
            expected.add(Item.payload(p));
            h.channel.writeAndFlush(new QuickAck(TOKEN));
            expected.add(Item.ack(TOKEN));
        }
        h.channel.writeAndFlush(TransportError.closeAfter(TransportError.AUTH_KEY_NOT_FOUND));
        expected.add(Item.payload(TestClient.le(-404)));
        assertFalse(h.channel.isOpen(), "closed after the error was flushed");
        byte[] wire = h.written();
        // The client may receive the bytes in any pieces.
        List<Item> got = new ArrayList<>(client.receive(java.util.Arrays.copyOfRange(wire, 0, wire.length / 3)));
        got.addAll(client.receive(java.util.Arrays.copyOfRange(wire, wire.length / 3, wire.length)));
        assertEquals(expected, got);
        h.finish();
    }

    /**
     * A frame with room ({@link OutboundFrame#withRoom}, the server's sealed messages) is framed in
     * its own buffer and leaves as exactly the bytes the copying path writes (same seeds: same
     * padding, same obfuscation stream), for every size class of every transport.
     */
    @ParameterizedTest
    @MethodSource("modes")
    void framesWithRoomAreFramedInPlaceWithTheSameBytes(TransportKind kind, Mode mode) {
        Harness copying = new Harness(Harness.settingsWithSecret(), new Random(5));
        Harness inPlace = new Harness(Harness.settingsWithSecret(), new Random(5));
        for (Harness h : List.of(copying, inPlace)) {
            TestClient client = new TestClient(kind, mode, Harness.SECRET, 2, new Random(9));
            h.write(client.prologue()).write(client.frame(new byte[8], false, new byte[0]));
            assertEquals(1, h.takeFrames().size());
        }
        Random rnd = new Random(13);
        for (int size : new int[] {0, 4, 72, 504, 508, 512, 4096, 70_000}) {
            byte[] p = new byte[size];
            rnd.nextBytes(p);
            copying.channel.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(p)));
            ByteBuf room = Unpooled.directBuffer(OutboundFrame.HEADROOM + size + OutboundFrame.TAILROOM);
            room.setIndex(OutboundFrame.HEADROOM, OutboundFrame.HEADROOM).writeBytes(p);
            inPlace.channel.writeAndFlush(OutboundFrame.withRoom(room));
            int header = OutboundFrame.HEADROOM - room.readerIndex();
            assertTrue(header >= 1 && header <= OutboundFrame.HEADROOM, "framed in place, header " + header);
            assertArrayEquals(copying.written(), inPlace.written(), kind + " " + mode + " size " + size);
            assertEquals(0, room.refCnt(), "released once written, size " + size);
        }
        copying.finish();
        inPlace.finish();
    }

    @Test
    void frameWithoutRoomIsRefused() {
        ByteBuf tight = Unpooled.directBuffer(16).writeZero(8);
        try {
            assertThrows(IllegalArgumentException.class, () -> OutboundFrame.withRoom(tight));
            tight.readerIndex(8);
            assertThrows(IllegalArgumentException.class, () -> OutboundFrame.withRoom(tight.capacity(11)));
        } finally {
            tight.release();
        }
    }

    @Test
    void paddedOutboundPaddingIsBelowFour() {
        Harness h = new Harness(TransportSettings.defaults(), new Random(3));
        h.write(TestClient.le(0xdddddddd));
        for (int i = 0; i < 50; i++) {
            h.channel.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(new byte[72])));
            byte[] w = h.written();
            int tlen = java.nio.ByteBuffer.wrap(w).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            assertEquals(w.length - 4, tlen);
            assertTrue(tlen >= 72 && tlen <= 75, "tlen " + tlen);
        }
        h.finish();
    }

    @Test
    void fullVectorsA11() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(hex("0c000000 00000000 26ca8d32")); // the client's empty frame, seq 0 (A.11)
        assertEquals(1, h.takeFrames().size());
        h.channel.writeAndFlush(new OutboundFrame(Unpooled.EMPTY_BUFFER));
        assertArrayEquals(hex("0c000000 00000000 26ca8d32"), h.written());
        byte[] p = new byte[128];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) i;
        }
        h.channel.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(p)));
        byte[] second = h.written(); // seq 1
        assertArrayEquals(hex("8c000000 01000000"), java.util.Arrays.copyOf(second, 8));
        assertArrayEquals(hex("9609f04a"), java.util.Arrays.copyOfRange(second, 136, 140));
        h.finish();

        Harness fresh = new Harness(TransportSettings.defaults());
        byte[] frame = Harness.concat(List.of(hex("8c000000 00000000"), p, hex("86739537")));
        fresh.write(frame);
        assertArrayEquals(p, (byte[]) fresh.takeFrames().get(0)[0]);
        fresh.channel.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(p)));
        assertArrayEquals(frame, fresh.written());
        fresh.finish();
    }

    @Test
    void abridgedVectorsA11() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(new byte[] {(byte) 0xef});
        h.channel.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(new byte[128])));
        byte[] w = h.written();
        assertEquals(129, w.length);
        assertEquals(0x20, w[0]);
        h.channel.writeAndFlush(new OutboundFrame(Unpooled.wrappedBuffer(new byte[1024])));
        w = h.written();
        assertArrayEquals(hex("7f000100"), java.util.Arrays.copyOf(w, 4));
        h.channel.writeAndFlush(new QuickAck(TOKEN));
        assertArrayEquals(hex("8badf00d"), h.written()); // big-endian, MSB first
        h.finish();
    }

    @Test
    void obfuscated2WithSecretA12() {
        byte[] header = hex("f5768f50b731260a46be1027c2eeaa39350624f0b6da59eba56c81fe4510c2e0"
                + "b61d3dd323ee02388633e3837a0c1c24fa6f29ccd724be6fbea2dde16dc59dd2");
        byte[] secret = Harness.SECRET;
        Obfuscated2.Keys dec = Obfuscated2.decryptKeys(header, secret);
        assertArrayEquals(hex("5a4be5232bb556e470df2c648164f0ec1bdf53a0c799f40fb3d3935784a826c1"), dec.key());
        assertArrayEquals(hex("8633e3837a0c1c24fa6f29ccd724be6f"), dec.iv());
        Obfuscated2.Keys enc = Obfuscated2.encryptKeys(header, secret);
        assertArrayEquals(hex("b2046c5af17d0e09b8a4c74ae4afdc6ea67ef1583be1fa8d89ecdb889e6df105"), enc.key());
        assertArrayEquals(hex("eb59dab6f024063539aaeec22710be46"), enc.iv());

        Obfuscated2.Accepted a = Obfuscated2.accept(header, List.of(new byte[16], secret));
        assertNotNull(a);
        assertEquals(TransportKind.PADDED_INTERMEDIATE, a.kind());
        assertEquals(2, a.dcId());
        assertEquals(1, a.secretIndex());
        assertArrayEquals(hex("61626364"), a.decrypt().update(hex("ca7a8226"))); // keystream offset 64
        assertArrayEquals(hex("8f711982"), a.encrypt().update(hex("61626364"))); // offset 0
        assertEquals(null, Obfuscated2.accept(header, List.of()), "plain keys do not validate this header");
    }

    @Test
    void a12HeaderThroughThePipeline() {
        byte[] header = hex("f5768f50b731260a46be1027c2eeaa39350624f0b6da59eba56c81fe4510c2e0"
                + "b61d3dd323ee02388633e3837a0c1c24fa6f29ccd724be6fbea2dde16dc59dd2");
        Harness h = new Harness(Harness.settingsWithSecret());
        h.write(header);
        assertEquals(new TransportDetected(TransportKind.PADDED_INTERMEDIATE, true, 2), h.events.get(0));
        // Server encrypt stream at offset 0: the first four bytes it sends are XORed like "abcd" -> 8f711982.
        h.channel.writeAndFlush(new QuickAck(TOKEN));
        byte[] w = h.written();
        AesCtr clientDecrypt = new AesCtr(hex("b2046c5af17d0e09b8a4c74ae4afdc6ea67ef1583be1fa8d89ecdb889e6df105"),
                hex("eb59dab6f024063539aaeec22710be46"));
        byte[] plain = clientDecrypt.update(w);
        assertEquals(-1, java.nio.ByteBuffer.wrap(plain).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4));
        h.finish();
    }
}
