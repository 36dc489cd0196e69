package io.mtgate.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.MessageCrypto;
import io.mtgate.session.EncryptedEnvelope;
import io.mtgate.transport.OutboundFrame;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The server's send path seals each message into one direct buffer with room for the frame. */
class SealedFramesTest {
    private static final AuthKey KEY;

    static {
        byte[] k = new byte[256];
        new SplittableRandom(4).nextBytes(k);
        KEY = new AuthKey(k);
    }

    /** Hands out unpooled direct buffers and remembers the last one, to see what happens to it. */
    static final class Recording extends AbstractByteBufAllocator {
        ByteBuf last;

        Recording() {
            super(true);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return Unpooled.buffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            last = Unpooled.directBuffer(initialCapacity, maxCapacity);
            return last;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    void sealedMessageHasRoomAndDecryptsOnTheClient() {
        Recording alloc = new Recording();
        EncryptedEnvelope envelope = EncryptedEnvelope.forKey(KEY);
        for (int len : new int[] {0, 4, 1024, 16384}) {
            byte[] body = new byte[len];
            new SplittableRandom(len).nextBytes(body);
            OutboundFrame frame = SealedFrames.seal(alloc, envelope, 0x5e55L, 0x5a17L, 0x6777E5EC00000001L, 7, body);
            try {
                ByteBuf p = frame.content();
                assertTrue(frame.hasRoom());
                assertTrue(p.isDirect());
                assertEquals(OutboundFrame.HEADROOM, p.readerIndex());
                assertTrue(p.writableBytes() >= OutboundFrame.TAILROOM);
                byte[] packet = new byte[p.readableBytes()];
                p.getBytes(p.readerIndex(), packet);
                assertEquals(envelope.authKeyId(), ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
                byte[] mkl = new byte[32];
                MessageCrypto.decryptFromServer(KEY.bytes(), packet, 0, packet.length, mkl);
                assertArrayEquals(Arrays.copyOfRange(mkl, 8, 24), Arrays.copyOfRange(packet, 8, 24), "msg_key");
                ByteBuffer plain = ByteBuffer.wrap(packet, 24, packet.length - 24).slice().order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(0x5a17L, plain.getLong(0), "salt");
                assertEquals(0x5e55L, plain.getLong(8), "session_id");
                assertEquals(0x6777E5EC00000001L, plain.getLong(16));
                assertEquals(7, plain.getInt(24));
                assertEquals(len, plain.getInt(28));
                assertArrayEquals(body, Arrays.copyOfRange(packet, 24 + 32, 24 + 32 + len));
            } finally {
                frame.release();
            }
            assertEquals(0, alloc.last.refCnt());
        }
    }

    @Test
    void aBodyTheEnvelopeRefusesReleasesTheBuffer() {
        Recording alloc = new Recording();
        EncryptedEnvelope envelope = EncryptedEnvelope.forKey(KEY);
        assertThrows(IllegalArgumentException.class,
                () -> SealedFrames.seal(alloc, envelope, 1L, 2L, 5L, 1, new byte[6]));
        assertNotNull(alloc.last);
        assertEquals(0, alloc.last.refCnt(), "released on the error path");
    }
}
