package io.mtgate.rpc;

import static io.mtgate.rpc.RpcTestSupport.call;
import static io.mtgate.rpc.RpcTestSupport.err;
import static io.mtgate.rpc.RpcTestSupport.permKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtgate.authkey.AuthKeyType;
import io.mtgate.authkey.InMemoryTempKeyBindings;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.rpc.RpcMethodHandler.Execution;
import io.mtgate.rpc.RpcTestSupport.FakeSession;
import io.mtgate.rpc.RpcTestSupport.Gzip;
import io.mtgate.rpc.RpcTestSupport.MapAuthsRepository;
import io.mtgate.rpc.RpcTestSupport.Raw;
import io.mtgate.rpc.RpcTestSupport.Reply;
import io.mtgate.rpc.RpcTestSupport.TestClock;
import io.mtgate.rpc.builtin.DcConfig;
import io.mtgate.rpc.builtin.HelpGetConfigHandler;
import io.mtgate.rpc.builtin.HelpGetNearestDcHandler;
import io.mtgate.session.SessionKey;
import io.mtgate.session.SessionQueries.QueryOutcome;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlFunction;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.api.l228.HelpGetAppConfig;
import io.mtgate.tl.api.l228.HelpGetConfig;
import io.mtgate.tl.api.l228.InputPeerEmpty;
import io.mtgate.tl.api.l228.InvokeAfterMsg;
import io.mtgate.tl.api.l228.InvokeAfterMsgs;
import io.mtgate.tl.api.l228.InvokeWithLayer;
import io.mtgate.tl.api.l228.InvokeWithTakeout;
import io.mtgate.tl.api.l228.InvokeWithoutUpdates;
import io.mtgate.tl.api.l228.MessagesGetDialogs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcDispatcherTest {
    static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    static final int GET_DIALOGS = MessagesGetDialogs.CONSTRUCTOR_ID;
    static final TlObject DIALOGS = new MessagesGetDialogs(false, null, 0, 0, new InputPeerEmpty(), 10, 0L);

    final TestClock clock = new TestClock(NOW);
    final ExecutorService blocking = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "test-blocking");
        t.setDaemon(true);
        return t;
    });
    final MapAuthsRepository repo = new MapAuthsRepository();
    final InMemoryTempKeyBindings bindings = new InMemoryTempKeyBindings(clock, 100);
    final ClientLayers clients = new ClientLayers(repo, blocking, clock, 1000, Duration.ofHours(1));
    final DcConfig dc = DcConfig.defaults(2, "127.0.0.1", 10443);
    final FakeSession session = new FakeSession();

    @AfterEach
    void stop() {
        blocking.shutdownNow();
    }

    RpcDispatcher dispatcher(RpcAuthorizationPolicy policy, RpcMethodHandler... extra) {
        return dispatcher(policy, blocking, Duration.ofMillis(500), extra);
    }

    RpcDispatcher dispatcher(RpcAuthorizationPolicy policy, java.util.concurrent.Executor executor, Duration wait,
            RpcMethodHandler... extra) {
        List<RpcMethodHandler> hs = new ArrayList<>(List.of(new HelpGetConfigHandler(dc, clock),
                new HelpGetNearestDcHandler(dc)));
        hs.addAll(List.of(extra));
        return new RpcDispatcher(RpcHandlers.of(hs), policy, bindings, clients, executor,
                new RpcSettings(wait, ApiLayer.L144, TlLimits.DEFAULT, 1 << 20));
    }

    static final RpcAuthorizationPolicy ALLOW_ALL = (ctx, req) -> java.util.Optional.empty();

    static RpcMethodHandler handler(int id, Execution execution,
            BiFunction<RpcContext, TlFunction, CompletionStage<TlObject>> body) {
        return new RpcMethodHandler() {
            @Override
            public Set<Integer> methods() {
                return Set.of(id);
            }

            @Override
            public Execution execution() {
                return execution;
            }

            @Override
            public CompletionStage<TlObject> handle(RpcContext ctx, TlFunction request) {
                return body.apply(ctx, request);
            }
        };
    }

    Reply invoke(RpcDispatcher d, SessionKey key, TlObject query) {
        return invoke(d, key, 1000L, query);
    }

    Reply invoke(RpcDispatcher d, SessionKey key, long msgId, TlObject query) {
        Reply reply = new Reply();
        d.invoke(call(key, msgId, query, session), reply);
        return reply;
    }

    private static int configId(Reply r, ApiLayer layer) {
        return r.decode(layer).constructorId();
    }

    // --- layers and help.getConfig -------------------------------------------------------------

    @Test
    void getConfigIsAnsweredInTheClientsLayer() {
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard());
        Reply r144 = invoke(d, permKey(1), new InvokeWithLayer(144, new HelpGetConfig()));
        io.mtgate.tl.api.l144.Config c144 = (io.mtgate.tl.api.l144.Config) r144.decode(ApiLayer.L144);
        assertThat(c144.constructorId()).isEqualTo(0x330b4067);
        assertThat(c144.thisDc()).isEqualTo(2);
        assertThat(c144.date()).isEqualTo((int) NOW.getEpochSecond());
        assertThat(c144.expires()).isEqualTo((int) NOW.getEpochSecond() + 3600);
        io.mtgate.tl.api.l144.DcOption o = (io.mtgate.tl.api.l144.DcOption) c144.dcOptions().get(0);
        assertThat(o.id()).isEqualTo(2);
        assertThat(o.ipAddress()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(10443);

        Reply r198 = invoke(d, permKey(2), new InvokeWithLayer(198, new HelpGetConfig()));
        io.mtgate.tl.api.l198.Config c198 = (io.mtgate.tl.api.l198.Config) r198.decode(ApiLayer.L198);
        assertThat(c198.constructorId()).isEqualTo(0xcc1a241e);
        assertThat(c198.messageLengthMax()).isEqualTo(4096);

        Reply r228 = invoke(d, permKey(3), new InvokeWithLayer(228, new HelpGetConfig()));
        io.mtgate.tl.api.l228.Config c228 = (io.mtgate.tl.api.l228.Config) r228.decode(ApiLayer.L228);
        assertThat(c228.constructorId()).isEqualTo(0xcc1a241e);
        assertThat(c228.thisDc()).isEqualTo(2);
        assertThat(r228.completions.get()).isEqualTo(1);
    }

    @Test
    void getNearestDc() {
        Reply r = invoke(dispatcher(PreLoginAllowList.standard()), permKey(1),
                new InvokeWithLayer(222, new io.mtgate.tl.api.l222.HelpGetNearestDc()));
        assertThat(r.decode(ApiLayer.L222)).isEqualTo(new io.mtgate.tl.api.l222.NearestDc("US", 2, 2));
    }

    @Test
    void clientLayersBetweenSupportedOnesMapDown() {
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard());
        assertThat(configId(invoke(d, permKey(1), new InvokeWithLayer(157, new HelpGetConfig())), ApiLayer.L144))
                .isEqualTo(0x330b4067);
        assertThat(configId(invoke(d, permKey(2), new InvokeWithLayer(158, new HelpGetConfig())), ApiLayer.L158))
                .isEqualTo(0xcc1a241e);
        assertThat(configId(invoke(d, permKey(3), new InvokeWithLayer(999, new HelpGetConfig())), ApiLayer.L228))
                .isEqualTo(0xcc1a241e);
    }

    @Test
    void layerBelowTheOldestIsRefused() {
        Reply r = invoke(dispatcher(PreLoginAllowList.standard()), permKey(1),
                new InvokeWithLayer(143, new HelpGetConfig()));
        assertThat(r.error()).contains(err(400, "CONNECTION_LAYER_INVALID"));
    }

    @Test
    void theLastStatedLayerIsRememberedAndInitConnectionStored() throws Exception {
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard());
        SessionKey key = permKey(7);
        invoke(d, key, new InvokeWithLayer(198, InvokeWrappersTest.init(new HelpGetConfig()))).get();
        assertThat(configId(invoke(d, key, new HelpGetConfig()), ApiLayer.L198)).isEqualTo(0xcc1a241e);
        blocking.submit(() -> { }).get(); // the write went to this executor before
        blocking.shutdown();
        blocking.awaitTermination(5, TimeUnit.SECONDS);
        AuthRecord row = repo.rows.get(new AuthKeyId(7));
        assertThat(row.layer()).isEqualTo(198);
        assertThat(row.client().apiId()).isEqualTo(2040);
        assertThat(row.client().langPack()).isEqualTo("tdesktop");
        assertThat(row.clientIp()).isEqualTo("198.51.100.7");
        assertThat(row.dateActive()).isEqualTo(NOW.getEpochSecond());
    }

    @Test
    void aKeyNotInMemoryTakesItsLayerFromTheAuthsTableOnce() {
        repo.rows.put(new AuthKeyId(9), new AuthRecord(new AuthKeyId(9), 228,
                new ClientInfo(1, "d", "s", "a", "en", "", "en", null, "{}"), "", 0));
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard());
        Reply first = invoke(d, permKey(9), new HelpGetConfig());
        assertThat(configId(first, ApiLayer.L228)).isEqualTo(0xcc1a241e);
        invoke(d, permKey(9), new HelpGetConfig()).get();
        assertThat(repo.finds.get()).isEqualTo(1);
    }

    @Test
    void aKeyWithNoLayerAnywhereGetsTheDefault() {
        Reply r = invoke(dispatcher(PreLoginAllowList.standard()), permKey(10), new HelpGetConfig());
        assertThat(configId(r, ApiLayer.L144)).isEqualTo(0x330b4067);
    }

    // --- method errors -------------------------------------------------------------------------

    @Test
    void unknownConstructorIsInputMethodInvalid() {
        Reply r = invoke(dispatcher(PreLoginAllowList.standard()), permKey(1),
                new InvokeWithLayer(228, new Raw(0x12345678, new byte[0])));
        assertThat(r.error()).contains(err(400, "INPUT_METHOD_INVALID_305419896_0"));
        Reply neg = invoke(dispatcher(PreLoginAllowList.standard()), permKey(1), new Raw(0xf5045f1f, new byte[0]));
        assertThat(neg.error()).contains(err(400, "INPUT_METHOD_INVALID_4110704415_0"));
    }

    @Test
    void aConstructorThatIsNotAFunctionIsInputMethodInvalid() {
        Reply r = invoke(dispatcher(PreLoginAllowList.standard()), permKey(1),
                new InvokeWithLayer(228, new InputPeerEmpty()));
        assertThat(r.error()).contains(err(400, "INPUT_METHOD_INVALID_" + Integer.toUnsignedString(
                InputPeerEmpty.CONSTRUCTOR_ID) + "_0"));
    }

    @Test
    void aKnownMethodWithoutHandlerIsInputMethodInvalid() {
        Reply r = invoke(dispatcher(ALLOW_ALL), permKey(1), new InvokeWithLayer(228, DIALOGS));
        assertThat(r.error()).contains(err(400, "INPUT_METHOD_INVALID_" + Integer.toUnsignedString(GET_DIALOGS) + "_0"));
    }

    @Test
    void truncatedArgumentsAreInputFetchError() {
        Reply r = invoke(dispatcher(ALLOW_ALL), permKey(1),
                new InvokeWithLayer(228, new Raw(HelpGetAppConfig.CONSTRUCTOR_ID, new byte[2])));
        assertThat(r.error()).contains(err(400, "INPUT_FETCH_ERROR"));
    }

    @Test
    void malformedWrapperIsInputFetchError() {
        Reply reply = new Reply();
        byte[] q = Tl.serialize(new InvokeWithLayer(228, new HelpGetConfig()));
        dispatcher(ALLOW_ALL).invoke(new io.mtgate.session.RpcCall(permKey(1), 1, 2, java.util.Arrays.copyOf(q, 6),
                null, session), reply);
        assertThat(reply.error()).contains(err(400, "INPUT_FETCH_ERROR"));
    }

    // --- handlers --------------------------------------------------------------------------------

    @Test
    void handlerExceptionIsInternalWithoutDetails() {
        RpcDispatcher d = dispatcher(ALLOW_ALL, handler(GET_DIALOGS, Execution.NON_BLOCKING, (c, q) -> {
            throw new IllegalStateException("secret detail 42");
        }));
        Reply r = invoke(d, permKey(1), new InvokeWithLayer(228, DIALOGS));
        assertThat(r.error()).contains(err(500, "INTERNAL"));
        assertThat(new String(r.get(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("secret");
        assertThat(r.completions.get()).isEqualTo(1);
    }

    @Test
    void failedStageIsInternal() {
        RpcDispatcher d = dispatcher(ALLOW_ALL, handler(GET_DIALOGS, Execution.BLOCKING,
                (c, q) -> CompletableFuture.failedFuture(new RuntimeException("boom"))));
        assertThat(invoke(d, permKey(1), new InvokeWithLayer(228, DIALOGS)).error()).contains(err(500, "INTERNAL"));
    }

    @Test
    void rpcExceptionAndRpcErrorResultsAreSentAsTheyAre() {
        RpcDispatcher thrown = dispatcher(ALLOW_ALL, handler(GET_DIALOGS, Execution.BLOCKING,
                (c, q) -> CompletableFuture.failedFuture(new RpcException(400, "PEER_ID_INVALID"))));
        assertThat(invoke(thrown, permKey(1), new InvokeWithLayer(228, DIALOGS)).error())
                .contains(err(400, "PEER_ID_INVALID"));
        RpcDispatcher returned = dispatcher(ALLOW_ALL, handler(GET_DIALOGS, Execution.NON_BLOCKING,
                (c, q) -> CompletableFuture.completedFuture(new RpcError(403, "CHAT_WRITE_FORBIDDEN"))));
        assertThat(invoke(returned, permKey(1), new InvokeWithLayer(228, DIALOGS)).error())
                .contains(err(403, "CHAT_WRITE_FORBIDDEN"));
    }

    @Test
    void aResultOfAnotherLayerIsInternal() {
        RpcDispatcher d = dispatcher(ALLOW_ALL, handler(GET_DIALOGS, Execution.NON_BLOCKING,
                (c, q) -> CompletableFuture.completedFuture(new io.mtgate.tl.api.l144.NearestDc("US", 1, 1))));
        assertThat(invoke(d, permKey(1), new InvokeWithLayer(228, DIALOGS)).error()).contains(err(500, "INTERNAL"));
        // the same handler is fine for a layer-144 client
        Reply ok = invoke(d, permKey(2), new InvokeWithLayer(144, new io.mtgate.tl.api.l144.MessagesGetDialogs(
                false, null, 0, 0, new io.mtgate.tl.api.l144.InputPeerEmpty(), 10, 0L)));
        assertThat(ok.decode(ApiLayer.L144)).isEqualTo(new io.mtgate.tl.api.l144.NearestDc("US", 1, 1));
    }

    @Test
    void aSlowBlockingHandlerDoesNotRunOnTheCallingThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> ran = new AtomicReference<>();
        RpcDispatcher d = dispatcher(ALLOW_ALL, handler(GET_DIALOGS, Execution.BLOCKING, (c, q) -> {
            ran.set(Thread.currentThread());
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(TlBool.TRUE);
        }));
        Reply r = invoke(d, permKey(1), new InvokeWithLayer(228, DIALOGS)); // returns while the handler waits
        assertThat(r.answer).isNotDone();
        release.countDown();
        assertThat(r.get()).isEqualTo(Tl.serialize(TlBool.TRUE));
        assertThat(ran.get()).isNotSameAs(Thread.currentThread());
        assertThat(ran.get().getName()).isEqualTo("test-blocking");
    }

    @Test
    void aNonBlockingHandlerRunsOnTheCallingThread() {
        ApiLayer.L228.registry(); // a layer not loaded yet is decoded on the executor instead
        AtomicReference<Thread> ran = new AtomicReference<>();
        RpcDispatcher d = dispatcher(ALLOW_ALL, handler(GET_DIALOGS, Execution.NON_BLOCKING, (c, q) -> {
            ran.set(Thread.currentThread());
            return CompletableFuture.completedFuture(TlBool.FALSE);
        }));
        Reply r = invoke(d, permKey(1), new InvokeWithLayer(228, DIALOGS));
        assertThat(r.answer).isDone();
        assertThat(ran.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void aFullExecutorAnswersFloodWait() {
        RpcDispatcher d = dispatcher(ALLOW_ALL, task -> {
            throw new RejectedExecutionException("full");
        }, Duration.ofMillis(500), handler(GET_DIALOGS, Execution.BLOCKING,
                (c, q) -> CompletableFuture.completedFuture(TlBool.TRUE)));
        assertThat(invoke(d, permKey(1), new InvokeWithLayer(228, DIALOGS)).error()).contains(err(420, "FLOOD_WAIT_1"));
    }

    @Test
    void theContextCarriesWhatTheWrappersSaid() {
        AtomicReference<RpcContext> seen = new AtomicReference<>();
        RpcDispatcher d = dispatcher(ALLOW_ALL, handler(GET_DIALOGS, Execution.NON_BLOCKING, (c, q) -> {
            seen.set(c);
            assertThat(q).isEqualTo(DIALOGS);
            return CompletableFuture.completedFuture(TlBool.TRUE);
        }));
        invoke(d, permKey(5), 4242L, new InvokeWithLayer(229, InvokeWrappersTest.init(
                new InvokeWithoutUpdates(new InvokeWithTakeout(77L, new Gzip(DIALOGS)))))).get();
        RpcContext c = seen.get();
        assertThat(c.authKeyId()).isEqualTo(new AuthKeyId(5));
        assertThat(c.permanentKey()).contains(new AuthKeyId(5));
        assertThat(c.msgId()).isEqualTo(4242L);
        assertThat(c.sessionId()).isEqualTo(0x1122334455667788L);
        assertThat(c.layer()).isEqualTo(ApiLayer.L228);
        assertThat(c.clientLayer()).isEqualTo(229);
        assertThat(c.clientInfo().deviceModel()).isEqualTo("PC 64bit");
        assertThat(c.options().withoutUpdates()).isTrue();
        assertThat(c.options().takeoutId()).isEqualTo(77L);
        assertThat(c.clientAddress()).isEqualTo(RpcTestSupport.CLIENT);
    }

    @Test
    void anApplicationHandlerReplacesTheBuiltInOne() {
        RpcMethodHandler app = handler(HelpGetConfigHandler.METHOD, Execution.NON_BLOCKING,
                (c, q) -> CompletableFuture.completedFuture(TlBool.FALSE));
        Reply r = invoke(dispatcher(PreLoginAllowList.standard(), app), permKey(1),
                new InvokeWithLayer(228, new HelpGetConfig()));
        assertThat(r.get()).isEqualTo(Tl.serialize(TlBool.FALSE));
        assertThatThrownBy(() -> RpcHandlers.of(List.of(app, handler(HelpGetConfigHandler.METHOD,
                Execution.BLOCKING, (c, q) -> null)))).isInstanceOf(IllegalStateException.class);
    }

    // --- authorization ---------------------------------------------------------------------------

    @Test
    void withoutAUserSystemOnlyPreLoginMethodsRun() {
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard(), handler(GET_DIALOGS, Execution.NON_BLOCKING,
                (c, q) -> CompletableFuture.completedFuture(TlBool.TRUE)));
        assertThat(invoke(d, permKey(1), new InvokeWithLayer(228, DIALOGS)).error())
                .contains(err(401, "AUTH_KEY_UNREGISTERED"));
        // an allow-listed method without a handler is still unknown to this server
        assertThat(invoke(d, permKey(1), new InvokeWithLayer(228, new HelpGetAppConfig(0))).error())
                .contains(err(400, "INPUT_METHOD_INVALID_" + Integer.toUnsignedString(HelpGetAppConfig.CONSTRUCTOR_ID)
                        + "_0"));
    }

    @Test
    void anUnboundTemporaryKeyMayCallOnlyThreeMethods() {
        AtomicReference<RpcContext> seen = new AtomicReference<>();
        RpcDispatcher d = dispatcher(ALLOW_ALL, handler(GET_DIALOGS, Execution.NON_BLOCKING, (c, q) -> {
            seen.set(c);
            return CompletableFuture.completedFuture(TlBool.TRUE);
        }));
        SessionKey temp = new SessionKey(new AuthKeyId(50), AuthKeyType.TEMPORARY, NOW.plusSeconds(3600));
        assertThat(invoke(d, temp, new InvokeWithLayer(228, DIALOGS)).error())
                .contains(err(401, "AUTH_KEY_PERM_EMPTY"));
        assertThat(configId(invoke(d, temp, new InvokeWithLayer(228, new HelpGetConfig())), ApiLayer.L228))
                .isEqualTo(0xcc1a241e);
        assertThat(invoke(d, temp, new io.mtgate.tl.api.l228.HelpGetNearestDc()).error()).isEmpty();

        bindings.bind(new AuthKeyId(50), new AuthKeyId(60), NOW.plusSeconds(3600));
        assertThat(invoke(d, temp, new InvokeWithLayer(228, DIALOGS)).error()).isEmpty();
        assertThat(seen.get().permanentKey()).contains(new AuthKeyId(60));
        assertThat(seen.get().authKeyId()).isEqualTo(new AuthKeyId(50));
    }

    // --- invokeAfterMsg(s) -----------------------------------------------------------------------

    @Test
    void invokeAfterMsgWaitsForTheNamedQuery() {
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard());
        Reply r = invoke(d, permKey(1), new InvokeWithLayer(228, new InvokeAfterMsg(500L, new HelpGetConfig())));
        assertThat(r.answer).isNotDone();
        session.query(500L).complete(QueryOutcome.SUCCEEDED);
        assertThat(configId(r, ApiLayer.L228)).isEqualTo(0xcc1a241e);
    }

    @Test
    void aFailedQueryIsMsgWaitFailed() {
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard());
        Reply r = invoke(d, permKey(1), new InvokeWithLayer(228,
                new InvokeAfterMsgs(List.of(1L, 2L, 3L), new HelpGetConfig())));
        session.query(1L).complete(QueryOutcome.SUCCEEDED);
        assertThat(r.answer).isNotDone();
        session.query(3L).complete(QueryOutcome.FAILED);
        assertThat(r.error()).contains(err(400, "MSG_WAIT_FAILED"));
        session.query(2L).complete(QueryOutcome.SUCCEEDED);
        assertThat(r.completions.get()).isEqualTo(1);
    }

    @Test
    void aFailedStageIsMsgWaitFailedToo() {
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard());
        Reply r = invoke(d, permKey(1), new InvokeAfterMsg(8L, new HelpGetConfig()));
        session.query(8L).completeExceptionally(new IllegalStateException("session closed"));
        assertThat(r.error()).contains(err(400, "MSG_WAIT_FAILED"));
    }

    @Test
    void waitingTooLongIsMsgWaitTimeoutAndCancelsTheWait() {
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard(), blocking, Duration.ofMillis(100));
        long start = System.nanoTime();
        Reply r = invoke(d, permKey(1), new InvokeAfterMsgs(List.of(11L, 12L), new HelpGetConfig()));
        session.query(11L).complete(QueryOutcome.SUCCEEDED);
        assertThat(r.error()).contains(err(400, "MSG_WAIT_TIMEOUT"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(session.query(12L)).isCancelled();
    }

    @Test
    void allAwaitedQueriesSucceededRunsTheQuery() {
        RpcDispatcher d = dispatcher(PreLoginAllowList.standard());
        Reply r = invoke(d, permKey(1), new InvokeAfterMsgs(List.of(21L, 22L), new InvokeAfterMsg(23L,
                new HelpGetConfig())));
        session.query(21L).complete(QueryOutcome.SUCCEEDED);
        session.query(23L).complete(QueryOutcome.SUCCEEDED);
        assertThat(r.answer).isNotDone();
        session.query(22L).complete(QueryOutcome.SUCCEEDED);
        assertThat(configId(r, ApiLayer.L144)).isEqualTo(0x330b4067);
    }
}
