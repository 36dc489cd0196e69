package io.mtgate.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mtgate.tl.GzipPacked;
import io.mtgate.tl.TlDecodeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Jazzer target for the session layer behind the envelope: arbitrary message bodies (service
 * messages, containers, gzip_packed, queries) with arbitrary seqnos reach one session, as they would
 * after a valid msg_key check. Seeds under
 * {@code src/test/resources/io/mtgate/session/SessionFuzzTestInputs/arbitraryMessages/} run in
 * {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes. Invariants: nothing escapes {@code receive}, every
 * server packet is well formed (the fake link parses containers strictly), gzip never inflates past
 * its limit, on an HTTP-style connection every request is answered exactly once, and with a
 * non-zero ack delay no ack timer outlives the delay.
 */
class SessionFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void arbitraryMessages(byte[] data) {
        if (data.length < 5) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int seqno = data[0] & 0x0f;
        byte[] body = new byte[(data.length - 1) & ~3];
        System.arraycopy(data, 1, body, 0, body.length);
        if (body.length < 4) {
            return;
        }
        SessionHarness h = new SessionHarness();
        SessionHarness.FakeLink link = new SessionHarness.FakeLink();
        // as the outer message, then again with ids patched to sit below a later container id
        h.send(link, 1L, h.nextMsgId(), seqno, body);
        h.send(link, 1L, h.nextMsgId(), seqno, body);
        link.take();
        // again with acknowledgements delayed: once the delay has passed, every ack has left and
        // no timer is left armed
        SessionHarness hd = new SessionHarness(AckDelayTest.withAckDelay(java.time.Duration.ofMillis(200)));
        SessionHarness.FakeLink delayed = new SessionHarness.FakeLink();
        delayed.now = hd.clock::millis;
        hd.send(delayed, 1L, hd.nextMsgId(), seqno, body);
        hd.send(delayed, 1L, hd.nextMsgId(), seqno, body);
        hd.clock.advance(java.time.Duration.ofSeconds(1));
        delayed.runDueTimers();
        assertTrue(delayed.timersArmed() == 0, delayed.timersArmed() + " ack timers still armed");
        // the same two messages as two requests on an HTTP connection: each answered exactly once
        SessionHarness hh = new SessionHarness();
        HttpWaitTest.PollLink poll = new HttpWaitTest.PollLink(hh);
        hh.send(poll, 1L, hh.nextMsgId(), seqno, body);
        hh.send(poll, 1L, hh.nextMsgId(), seqno, body);
        hh.clock.advance(java.time.Duration.ofSeconds(61));
        poll.runDueTimers();
        if (poll.isOpen()) {
            assertTrue(poll.answers() == 2, "two requests, " + poll.answers() + " answers");
        } else {
            assertTrue(poll.answers() <= 2, "two requests, " + poll.answers() + " answers");
        }
        try {
            byte[] out = GzipPacked.unpack(body, 1 << 16);
            assertTrue(out.length <= 1 << 16);
        } catch (TlDecodeException expected) {
            // not a gzip member, or too big: refused
        }
        assertTrue(b.capacity() == data.length);
    }
}
