package io.mtgate.transport;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that fails a test when Netty's ByteBuf leak detector reports a leak.
 *
 * <p>Use: annotate a test class with {@code @ExtendWith(LeakDetectionExtension.class)} (works for
 * {@code @Test}, {@code @ParameterizedTest} and Jazzer {@code @FuzzTest} methods). It switches the
 * detector to PARANOID (every buffer tracked), registers a
 * {@link ResourceLeakDetector.LeakListener} through {@link ByteBufUtil#setLeakListener}, and after
 * each test runs a few GC rounds, allocating a tracked buffer after each one: Netty only looks for
 * collected-but-unreleased buffers when it tracks a new one. Leaks of buffers that are still
 * reachable when the test ends (e.g. held in an unfinished {@code EmbeddedChannel}) cannot be seen;
 * call {@code channel.finishAndReleaseAll()} or drop the references first. A leak reported during a
 * test is attributed to that test; leaks already pending before a test starts are discarded.
 */
public final class LeakDetectionExtension implements BeforeEachCallback, AfterEachCallback {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ByteBufUtil.setLeakListener((resourceType, records) -> LEAKS.add(resourceType + ": " + records));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        collectLeaks();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> leaks = collectLeaks();
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " ByteBuf leak(s) in " + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }

    /** Forces leak detection now and returns (and forgets) every leak reported so far. */
    public static List<String> collectLeaks() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Unpooled.buffer(1).release();
            PooledByteBufAllocator.DEFAULT.buffer(1).release();
        }
        List<String> out = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            out.add(leak);
        }
        return out;
    }
}
