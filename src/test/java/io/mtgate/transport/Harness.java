package io.mtgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** An EmbeddedChannel with the transport installed and a recording application handler. */
final class Harness {
    static final byte[] SECRET = hex("8a96ef6e42a18c21837580cd1c91c5a8");

    final EmbeddedChannel channel = new EmbeddedChannel();
    final List<Object> events = new ArrayList<>();
    final List<CloseReason> rejections = new ArrayList<>();
    final List<InboundFrame> frames = new ArrayList<>();

    Harness(TransportSettings settings) {
        this(settings, new Random(42));
    }

    Harness(TransportSettings settings, Random random) {
        channel.pipeline().addLast(PipelineNames.APPLICATION, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                frames.add((InboundFrame) msg);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
        TransportPipeline.install(channel.pipeline(), settings, (ch, reason) -> rejections.add(reason), random);
    }

    static TransportSettings settingsWithSecret() {
        return TransportSettings.defaults().withMtproxySecrets(List.of(SECRET));
    }

    Harness write(byte[] bytes) {
        return write(bytes, 0, bytes.length);
    }

    Harness write(byte[] bytes, int from, int to) {
        if (to > from && channel.isOpen()) {
            channel.writeInbound(Unpooled.copiedBuffer(bytes, from, to - from));
        }
        return this;
    }

    /** Drains the decoded frames as (payload, quickAck) pairs, releasing them. */
    List<Object[]> takeFrames() {
        List<Object[]> out = new ArrayList<>();
        for (InboundFrame f : frames) {
            try {
                byte[] b = new byte[f.content().readableBytes()];
                f.content().getBytes(f.content().readerIndex(), b);
                out.add(new Object[] {b, f.quickAckRequested()});
            } finally {
                f.release();
            }
        }
        frames.clear();
        return out;
    }

    /** All bytes the server wrote so far, concatenated. */
    byte[] written() {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        byte[] out = new byte[all.readableBytes()];
        all.readBytes(out);
        all.release();
        return out;
    }

    void finish() {
        takeFrames();
        channel.finishAndReleaseAll();
    }

    static byte[] hex(String s) {
        s = s.replaceAll("\\s", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static byte[] concat(List<byte[]> parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
