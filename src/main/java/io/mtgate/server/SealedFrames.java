package io.mtgate.server;

import io.mtgate.crypto.PaddingRandom;
import io.mtgate.session.EncryptedEnvelope;
import io.mtgate.transport.OutboundFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Server messages sealed straight into the buffer the socket write takes: a pooled direct buffer
 * with room for the transport's header and trailer, which the framing codec writes in place. No
 * heap array and no copy between the envelope and the socket (the array path allocated the packet,
 * wrapped it, then copied it into a direct buffer behind a new header).
 */
public final class SealedFrames {
    private SealedFrames() {
    }

    /** One encrypted server message (padding from {@link PaddingRandom#current()}) as an {@link OutboundFrame}. */
    public static OutboundFrame seal(ByteBufAllocator alloc, EncryptedEnvelope envelope, long sessionId, long salt,
                                     long msgId, int seqno, byte[] messageData) {
        int max = EncryptedEnvelope.maxSealedLength(messageData.length);
        ByteBuf buf = alloc.directBuffer(OutboundFrame.HEADROOM + max + OutboundFrame.TAILROOM);
        try {
            ByteBuffer packet = buf.nioBuffer(OutboundFrame.HEADROOM, max);
            if (packet.position() != 0) {
                packet = packet.slice(); // the envelope writes from index 0 of the view it is given
            }
            int n = envelope.encrypt(packet, salt, sessionId, msgId, seqno, messageData, 0, messageData.length,
                    PaddingRandom.current());
            buf.setIndex(OutboundFrame.HEADROOM, OutboundFrame.HEADROOM + n);
            return OutboundFrame.withRoom(buf);
        } catch (RuntimeException | Error e) {
            buf.release();
            throw e;
        }
    }
}
