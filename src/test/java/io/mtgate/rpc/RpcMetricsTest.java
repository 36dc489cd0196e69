package io.mtgate.rpc;

import static io.mtgate.rpc.RpcTestSupport.call;
import static io.mtgate.rpc.RpcTestSupport.permKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mtgate.authkey.InMemoryTempKeyBindings;
import io.mtgate.metrics.MicrometerGatewayEvents;
import io.mtgate.rpc.RpcMethodHandler.Execution;
import io.mtgate.rpc.RpcTestSupport.FakeSession;
import io.mtgate.rpc.RpcTestSupport.MapAuthsRepository;
import io.mtgate.rpc.RpcTestSupport.Raw;
import io.mtgate.rpc.RpcTestSupport.Reply;
import io.mtgate.rpc.RpcTestSupport.TestClock;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlFunction;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.api.l228.HelpGetConfig;
import io.mtgate.tl.api.l228.InputPeerEmpty;
import io.mtgate.tl.api.l228.InvokeWithLayer;
import io.mtgate.tl.api.l228.MessagesGetDialogs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code mtproto.rpc.duration{method, result, code}} as the dispatcher reports it to Micrometer. */
class RpcMetricsTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MicrometerGatewayEvents events = new MicrometerGatewayEvents(registry);
    final TestClock clock = new TestClock(Instant.parse("2026-01-02T03:04:05Z"));
    final ExecutorService blocking = Executors.newFixedThreadPool(2);
    final FakeSession session = new FakeSession();
    volatile Function<TlFunction, CompletionStage<TlObject>> dialogs =
            q -> CompletableFuture.completedFuture(TlBool.TRUE);

    final RpcDispatcher dispatcher = new RpcDispatcher(RpcHandlers.of(List.of(new RpcMethodHandler() {
        @Override
        public Set<Integer> methods() {
            return Set.of(MessagesGetDialogs.CONSTRUCTOR_ID);
        }

        @Override
        public Execution execution() {
            return Execution.BLOCKING;
        }

        @Override
        public CompletionStage<TlObject> handle(RpcContext ctx, TlFunction request) {
            return dialogs.apply(request);
        }
    })), (ctx, req) -> java.util.Optional.empty(), new InMemoryTempKeyBindings(clock, 100),
            new ClientLayers(new MapAuthsRepository(), blocking, clock, 1000, Duration.ofHours(1)), blocking,
            new RpcSettings(Duration.ofMillis(500), ApiLayer.L228, TlLimits.DEFAULT, 1 << 20), events);

    static final TlObject DIALOGS = new InvokeWithLayer(228,
            new MessagesGetDialogs(false, null, 0, 0, new InputPeerEmpty(), 10, 0L));

    @AfterEach
    void stop() {
        blocking.shutdownNow();
    }

    void send(TlObject query) {
        Reply reply = new Reply();
        dispatcher.invoke(call(permKey(1), 1000, query, session), reply);
        reply.get();
    }

    /** The timer's count, 0 when it does not exist (yet). */
    double count(String method, String result, String code) {
        Timer t = registry.find("mtproto.rpc.duration").tags("method", method, "result", result, "code", code).timer();
        return t == null ? 0 : t.count();
    }

    @Test
    void eachAnswerIsTimedUnderItsMethodsTlNameAndOutcome() {
        dialogs = q -> CompletableFuture.supplyAsync(() -> TlBool.TRUE,
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        send(DIALOGS);
        send(DIALOGS);
        assertThat(count("messages.getDialogs", "ok", "none")).isEqualTo(2);
        Timer ok = registry.find("mtproto.rpc.duration").tags("method", "messages.getDialogs", "result", "ok").timer();
        assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).as("both answers took 50 ms or more").isGreaterThanOrEqualTo(100);
        assertThat(ok.max(TimeUnit.SECONDS)).as("well under the 60 s the test would wait").isLessThan(30);

        dialogs = q -> CompletableFuture.failedFuture(new RpcException(400, "PEER_ID_INVALID"));
        send(DIALOGS);
        dialogs = q -> CompletableFuture.completedFuture(new RpcError(420, "FLOOD_WAIT_3"));
        send(DIALOGS);
        dialogs = q -> {
            throw new IllegalStateException("a bug");
        };
        send(DIALOGS);
        dialogs = q -> CompletableFuture.failedFuture(new RpcException(599, "SOMETHING_ODD"));
        send(DIALOGS);
        assertThat(count("messages.getDialogs", "error", "400")).isEqualTo(1);
        assertThat(count("messages.getDialogs", "error", "420")).isEqualTo(1);
        assertThat(count("messages.getDialogs", "error", "500")).isEqualTo(1);
        assertThat(count("messages.getDialogs", "error", "other")).as("a code outside Telegram's set").isEqualTo(1);
        assertThat(count("messages.getDialogs", "ok", "none")).isEqualTo(2);
    }

    @Test
    void aKnownMethodWithoutHandlerIsNamedAndAnOldLayersMethodToo() {
        send(new InvokeWithLayer(228, new HelpGetConfig()));
        assertThat(count("help.getConfig", "error", "400")).as("no handler: INPUT_METHOD_INVALID").isEqualTo(1);
        // help.getAppConfig#98914110 exists only in layer 144's schema
        send(new InvokeWithLayer(144, new io.mtgate.tl.api.l144.HelpGetAppConfig()));
        assertThat(count("help.getAppConfig", "error", "400")).isEqualTo(1);
    }

    @Test
    void whateverIdsAClientSendsTheMethodTagStaysBounded() {
        Random random = new Random(5);
        int sent = 0;
        while (sent < 200) {
            int id = random.nextInt();
            if (!ApiLayer.UNKNOWN_METHOD.equals(ApiLayer.methodName(id))) {
                continue; // a real function id by chance: not what this test is about
            }
            send(new InvokeWithLayer(228, new Raw(id, new byte[0])));
            sent++;
        }
        // a query that cannot even be unwrapped has no method either
        Reply reply = new Reply();
        byte[] q = Tl.serialize(DIALOGS);
        dispatcher.invoke(new io.mtgate.session.RpcCall(permKey(1), 1, 2, java.util.Arrays.copyOf(q, 6), null,
                session), reply);
        reply.get();
        List<Meter> timers = registry.find("mtproto.rpc.duration").meters().stream().toList();
        assertThat(timers).hasSize(1);
        assertThat(timers.get(0).getId().getTag("method")).isEqualTo("unknown");
        assertThat(count("unknown", "error", "400")).isEqualTo(201);
    }

    @Test
    void methodNamesComeFromTheSchemas() {
        assertThat(ApiLayer.methodName(HelpGetConfig.CONSTRUCTOR_ID)).isEqualTo("help.getConfig");
        assertThat(ApiLayer.methodName(InvokeWithLayer.CONSTRUCTOR_ID)).isEqualTo("invokeWithLayer");
        assertThat(ApiLayer.methodName(InputPeerEmpty.CONSTRUCTOR_ID)).as("a constructor, not a function")
                .isEqualTo("unknown");
        assertThat(ApiLayer.methodName(0x12345678)).isEqualTo("unknown");
    }
}
