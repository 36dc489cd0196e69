package io.mtgate.transport;

import static io.mtgate.transport.Harness.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.transport.TestClient.Item;
import io.mtgate.transport.TestClient.Mode;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each bad input has one defined outcome: the connection is closed and the reason reported. */
@ExtendWith(LeakDetectionExtension.class)
class BadInputAndTimeoutTest {

    private static void assertRejected(Harness h, CloseReason reason) {
        assertFalse(h.channel.isOpen(), "channel must be closed");
        assertEquals(List.of(reason), h.rejections);
        assertEquals(List.of(), h.takeFrames());
        h.finish();
    }

    @Test
    void garbageObfuscationHeader() {
        byte[] h64 = new byte[64];
        Random r = new Random(5);
        do {
            r.nextBytes(h64);
        } while (!TestClient.validInit(h64));
        Harness h = new Harness(Harness.settingsWithSecret());
        h.write(h64);
        assertRejected(h, CloseReason.INVALID_OBFUSCATION_HEADER);
    }

    @Test
    void secretClientWithoutConfiguredSecret() {
        TestClient c = new TestClient(TransportKind.INTERMEDIATE, Mode.SECRET, Harness.SECRET, 2, new Random(1));
        Harness h = new Harness(TransportSettings.defaults());
        h.write(c.prologue());
        assertRejected(h, CloseReason.INVALID_OBFUSCATION_HEADER);
    }

    @Test
    void mtproxyClientForAnotherDcGets444() {
        TestClient c = new TestClient(TransportKind.ABRIDGED, Mode.SECRET, Harness.SECRET, 4, new Random(1));
        Harness h = new Harness(Harness.settingsWithSecret());
        h.write(Harness.concat(List.of(c.prologue(), c.frame(new byte[8], false, new byte[0]))));
        assertEquals(List.of(Item.payload(TestClient.le(-444))), c.receive(h.written()));
        assertRejected(h, CloseReason.WRONG_DC);
    }

    // POST, HEAD and OPTIONS are the HTTP transport (HttpTransportTest), GET the WebSocket upgrade
    // (WebSocketTransportTest).

    @Test
    void fakeTlsIsNotSupportedYet() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(hex("1603010200010001fc0303"));
        assertRejected(h, CloseReason.UNSUPPORTED_TRANSPORT);
    }

    /** Only the header is sent: rejection must come before the body is awaited or buffered. */
    @ParameterizedTest
    @ValueSource(strings = {"ef 7f ffffff", "eeeeeeee fcffff7f", "dddddddd 01001000", "fcffff7f 00000000"})
    void oversizeDeclaredLengthClosesBeforeBuffering(String header) {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(hex(header.replace(" ", "")));
        assertRejected(h, CloseReason.FRAME_TOO_LARGE);
    }

    @Test
    void frameJustAtTheLimitIsAccepted() {
        Harness h = new Harness(TransportSettings.defaults().withMaxFrameBytes(1024));
        h.write(hex("eeeeeeee 00040000")).write(new byte[1024]);
        assertEquals(1, h.takeFrames().size());
        h.write(hex("04040000"));
        assertRejected(h, CloseReason.FRAME_TOO_LARGE);
    }

    @Test
    void truncatedFrameThenCloseDoesNotLeak() {
        for (String prefix : List.of("ef 20", "eeeeeeee 80000000", "dddddddd 81000000", "8c000000 00000000")) {
            Harness h = new Harness(TransportSettings.defaults());
            h.write(hex(prefix.replace(" ", ""))).write(new byte[100]);
            assertEquals(List.of(), h.takeFrames());
            h.channel.close();
            assertEquals(List.of(), h.takeFrames());
            h.finish(); // the extension fails the test on a leaked cumulation
        }
    }

    @Test
    void badCrc() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(hex("0c000000 00000000 26ca8d33"));
        assertRejected(h, CloseReason.BAD_CRC);
    }

    @Test
    void badFullSequence() {
        TestClient c = new TestClient(TransportKind.FULL, Mode.PLAIN, null, 0, new Random(1));
        byte[] first = c.frame(new byte[16], false, null);
        c.frame(new byte[16], false, null); // seq 1 never sent
        byte[] third = c.frame(new byte[16], false, null); // seq 2
        Harness h = new Harness(TransportSettings.defaults());
        h.write(first);
        assertEquals(1, h.takeFrames().size());
        h.write(third);
        assertRejected(h, CloseReason.BAD_SEQUENCE);
    }

    @Test
    void fullLengthBelowMinimumOrMisaligned() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(hex("0c000000 00000000 26ca8d32 08000000 01000000"));
        assertEquals(1, h.takeFrames().size());
        assertFalse(h.channel.isOpen());
        assertEquals(List.of(CloseReason.INVALID_FRAME), h.rejections);
        h.finish();
    }

    @Test
    void overlongAbridgedForm() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(hex("ef 7f 10 00 00".replace(" ", "")));
        assertRejected(h, CloseReason.INVALID_FRAME);
    }

    @Test
    void misalignedIntermediateLength() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(hex("eeeeeeee 05000000"));
        assertRejected(h, CloseReason.INVALID_FRAME);
    }

    @Test
    void zeroLengthAbridged() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(hex("ef00"));
        assertRejected(h, CloseReason.INVALID_FRAME);
    }

    @Test
    void unalignedOutboundAbridgedFailsTheWriteOnly() {
        Harness h = new Harness(TransportSettings.defaults());
        h.write(hex("ef01 00000000"));
        h.takeFrames();
        var f = h.channel.writeAndFlush(new OutboundFrame(io.netty.buffer.Unpooled.wrappedBuffer(new byte[5])));
        assertTrue(f.cause() instanceof IllegalArgumentException);
        assertTrue(h.channel.isOpen());
        h.finish();
    }

    // ---- timeouts ----

    private static TransportSettings timeouts() {
        return new TransportSettings(1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(5), List.of(), 2);
    }

    private static void advance(Harness h, long seconds) {
        h.channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
    }

    @Test
    void silentConnectionHitsHandshakeTimeout() {
        Harness h = new Harness(timeouts());
        advance(h, 9);
        assertTrue(h.channel.isOpen());
        advance(h, 2);
        assertRejected(h, CloseReason.HANDSHAKE_TIMEOUT);
    }

    @Test
    void handshakeTimeoutCoversASlowPrologue() {
        // (With the default equal timeouts the stall timer, armed by the first byte, could fire first.)
        Harness h = new Harness(new TransportSettings(1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(30), List.of(), 2));
        for (int i = 0; i < 3; i++) { // one header byte every 4 s: never a complete frame
            h.write(new byte[] {0x11});
            advance(h, 4);
        }
        assertRejected(h, CloseReason.HANDSHAKE_TIMEOUT);
    }

    @Test
    void stalledFrameHitsStallTimeout() {
        Harness h = new Harness(timeouts());
        h.write(hex("eeeeeeee 04000000 01020304 08000000 0102"));
        assertEquals(1, h.takeFrames().size());
        advance(h, 4);
        h.write(hex("03")); // dribbling does not re-arm the stall timer
        assertTrue(h.channel.isOpen());
        advance(h, 2);
        assertRejected(h, CloseReason.FRAME_STALL_TIMEOUT);
    }

    @Test
    void activeConnectionWithCompleteFramesStaysOpen() {
        Harness h = new Harness(timeouts());
        h.write(hex("eeeeeeee 04000000 01020304"));
        for (int i = 0; i < 10; i++) {
            advance(h, 4);
            h.write(hex("04000000 0102"));
            advance(h, 4);
            h.write(hex("0304"));
        }
        assertTrue(h.channel.isOpen());
        assertEquals(11, h.takeFrames().size());
        advance(h, 60); // idle between frames is the session layer's business
        assertTrue(h.channel.isOpen());
        assertEquals(List.of(), h.rejections);
        h.finish();
    }
}
