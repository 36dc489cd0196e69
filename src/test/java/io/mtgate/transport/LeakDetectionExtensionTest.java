package io.mtgate.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The extension must actually see a leak (otherwise every "no leak" assertion is empty). */
class LeakDetectionExtensionTest {
    @Test
    void reportsAnUnreleasedBuffer() {
        LeakDetectionExtension.collectLeaks();
        leak();
        assertFalse(LeakDetectionExtension.collectLeaks().isEmpty(), "leak not detected");
    }

    private static void leak() {
        ByteBuf b = Unpooled.directBuffer(16);
        b.writeLong(1);
        b.touch("deliberately leaked by " + LeakDetectionExtensionTest.class.getSimpleName());
    }
}
