package io.mtgate.rpc;

import static io.mtgate.rpc.RpcTestSupport.call;
import static io.mtgate.rpc.RpcTestSupport.err;
import static io.mtgate.rpc.RpcTestSupport.permKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.authkey.InMemoryTempKeyBindings;
import io.mtgate.rpc.RpcMethodHandler.Execution;
import io.mtgate.rpc.RpcTestSupport.FakeSession;
import io.mtgate.rpc.RpcTestSupport.Gzip;
import io.mtgate.rpc.RpcTestSupport.MapAuthsRepository;
import io.mtgate.rpc.RpcTestSupport.Reply;
import io.mtgate.rpc.RpcTestSupport.TestClock;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlFunction;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.api.l228.HelpGetCountriesList;
import io.mtgate.tl.api.l228.InputPeerEmpty;
import io.mtgate.tl.api.l228.InputUserEmpty;
import io.mtgate.tl.api.l228.InputUserSelf;
import io.mtgate.tl.api.l228.InvokeWithLayer;
import io.mtgate.tl.api.l228.InvokeWithMessagesRange;
import io.mtgate.tl.api.l228.MessageRange;
import io.mtgate.tl.api.l228.MessagesGetDialogs;
import io.mtgate.tl.api.l228.TInputUser;
import io.mtgate.tl.api.l228.UsersGetUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which 400 a query that cannot be read gets (docs/RPC.md, "Errors this layer produces"). Each case
 * first sends the well-formed query, which the handler answers, so the error is known to come from
 * the one part the test breaks.
 */
class RpcInputErrorsTest {
    /** Strings up to 64 bytes, vectors up to 16 elements, gzip_packed up to 256 bytes inflated. */
    static final TlLimits SMALL = new TlLimits(64, 16, 16);

    final TestClock clock = new TestClock(Instant.parse("2026-01-02T03:04:05Z"));
    final ExecutorService blocking = Executors.newFixedThreadPool(1);
    final ClientLayers clients = new ClientLayers(new MapAuthsRepository(), blocking, clock, 1000, Duration.ofHours(1));
    final FakeSession session = new FakeSession();
    final RpcDispatcher dispatcher = new RpcDispatcher(RpcHandlers.of(List.of(
            answerTrue(MessagesGetDialogs.CONSTRUCTOR_ID), answerTrue(UsersGetUsers.CONSTRUCTOR_ID),
            answerTrue(HelpGetCountriesList.CONSTRUCTOR_ID))),
            (ctx, req) -> java.util.Optional.empty(), new InMemoryTempKeyBindings(clock, 100), clients, blocking,
            new RpcSettings(Duration.ofMillis(500), ApiLayer.L228, SMALL, 256));

    @AfterEach
    void stop() {
        blocking.shutdownNow();
    }

    static RpcMethodHandler answerTrue(int method) {
        return new RpcMethodHandler() {
            @Override
            public Set<Integer> methods() {
                return Set.of(method);
            }

            @Override
            public Execution execution() {
                return Execution.NON_BLOCKING;
            }

            @Override
            public CompletionStage<TlObject> handle(RpcContext ctx, TlFunction request) {
                return CompletableFuture.completedFuture(TlBool.TRUE);
            }
        };
    }

    Reply send(byte[] query) {
        Reply reply = new Reply();
        dispatcher.invoke(new io.mtgate.session.RpcCall(permKey(1), 1, 1000, query, null, session), reply);
        return reply;
    }

    Reply send(TlObject query) {
        Reply reply = new Reply();
        dispatcher.invoke(call(permKey(1), 1000, query, session), reply);
        return reply;
    }

    static final MessagesGetDialogs DIALOGS = new MessagesGetDialogs(false, null, 0, 0, new InputPeerEmpty(), 10, 0L);

    /** {@code bytes} with the first little-endian occurrence of constructor {@code from} replaced. */
    static byte[] replaceConstructor(byte[] bytes, int from, int to) {
        byte[] out = bytes.clone();
        for (int i = 4; i + 4 <= out.length; i += 4) {
            if (io.netty.buffer.Unpooled.wrappedBuffer(out).getIntLE(i) == from) {
                io.netty.buffer.Unpooled.wrappedBuffer(out).setIntLE(i, to);
                return out;
            }
        }
        throw new AssertionError("constructor not found");
    }

    @Test
    void anUnknownConstructorInTheArgumentsIsInputConstructorInvalid() {
        byte[] good = Tl.serialize(new InvokeWithLayer(228, DIALOGS));
        assertThat(send(good).error()).isEmpty();
        byte[] bad = replaceConstructor(good, InputPeerEmpty.CONSTRUCTOR_ID, 0x12345678);
        assertThat(send(bad).error()).contains(err(400, "INPUT_CONSTRUCTOR_INVALID"));
    }

    @Test
    void aKnownConstructorOfTheWrongTypeIsInputConstructorInvalid() {
        byte[] good = Tl.serialize(new InvokeWithLayer(228, DIALOGS));
        // inputUserEmpty is a real constructor, but an InputUser where an InputPeer belongs
        byte[] bad = replaceConstructor(good, InputPeerEmpty.CONSTRUCTOR_ID, InputUserEmpty.CONSTRUCTOR_ID);
        assertThat(send(bad).error()).contains(err(400, "INPUT_CONSTRUCTOR_INVALID"));
    }

    @Test
    void aWrapperWithAConstructorItDoesNotAllowIsInputConstructorInvalid() {
        TlObject good = new InvokeWithMessagesRange(new MessageRange(1, 2), new InvokeWithLayer(228, DIALOGS));
        assertThat(send(good).error()).isEmpty();
        byte[] bad = replaceConstructor(Tl.serialize(good), MessageRange.CONSTRUCTOR_ID, 0x0badc0de);
        assertThat(send(bad).error()).contains(err(400, "INPUT_CONSTRUCTOR_INVALID"));
    }

    @Test
    void truncatedArgumentsStayInputFetchError() {
        byte[] good = Tl.serialize(new InvokeWithLayer(228, DIALOGS));
        assertThat(send(java.util.Arrays.copyOf(good, good.length - 4)).error())
                .contains(err(400, "INPUT_FETCH_ERROR"));
    }

    @Test
    void aStringOverTheLimitIsInputRequestTooLong() {
        assertThat(send(new InvokeWithLayer(228, new HelpGetCountriesList("x".repeat(64), 0))).error()).isEmpty();
        assertThat(send(new InvokeWithLayer(228, new HelpGetCountriesList("x".repeat(65), 0))).error())
                .contains(err(400, "INPUT_REQUEST_TOO_LONG"));
    }

    @Test
    void aStringLengthBeyondTheBytesSentIsInputFetchError() {
        byte[] full = Tl.serialize(new InvokeWithLayer(228, new HelpGetCountriesList("x".repeat(100), 0)));
        // the length says 100 (over the limit) but most of the string is missing: malformed, not long
        assertThat(send(java.util.Arrays.copyOf(full, 24)).error()).contains(err(400, "INPUT_FETCH_ERROR"));
    }

    @Test
    void aVectorOverTheLimitIsInputRequestTooLong() {
        List<TInputUser> sixteen = Collections.nCopies(16, new InputUserSelf());
        assertThat(send(new InvokeWithLayer(228, new UsersGetUsers(sixteen))).error()).isEmpty();
        List<TInputUser> seventeen = Collections.nCopies(17, new InputUserSelf());
        assertThat(send(new InvokeWithLayer(228, new UsersGetUsers(seventeen))).error())
                .contains(err(400, "INPUT_REQUEST_TOO_LONG"));
    }

    @Test
    void aGzipPackedInflatingPastTheLimitIsInputRequestTooLong() {
        // inflates to 80 bytes: under 256
        assertThat(send(new Gzip(new InvokeWithLayer(228, new HelpGetCountriesList("y".repeat(60), 0)))).error())
                .isEmpty();
        // 304 bytes once inflated (zeros compress to almost nothing): refused before it is read
        byte[] big = new byte[300];
        assertThat(send(new Gzip(new RpcTestSupport.Raw(HelpGetCountriesList.CONSTRUCTOR_ID, big))).error())
                .contains(err(400, "INPUT_REQUEST_TOO_LONG"));
    }
}
