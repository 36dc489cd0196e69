package io.mtgate.rpc;

import io.mtgate.authkey.TempKeyBindings;
import io.mtgate.crypto.AuthKeyId;
import io.mtgate.session.RpcCall;
import io.mtgate.session.RpcInvoker;
import io.mtgate.session.RpcReply;
import io.mtgate.session.SessionKey;
import io.mtgate.session.SessionQueries;
import io.mtgate.session.SessionQueries.QueryOutcome;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlConstructorException;
import io.mtgate.tl.TlDecodeException;
import io.mtgate.tl.TlFunction;
import io.mtgate.tl.TlLimitException;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.TlReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RpcInvoker}: unwraps, picks the layer, checks, waits, dispatches to a handler and
 * serializes the answer. Never blocks the calling event loop.
 *
 * <p>Per query, in this order (each failure answers at once with the error named):
 * <ol>
 *   <li>Take the wrappers off ({@link InvokeWrappers}); truncated or malformed →
 *       {@code 400 INPUT_FETCH_ERROR}, a constructor the wrapper does not allow →
 *       {@code 400 INPUT_CONSTRUCTOR_INVALID}, a gzip_packed over the limit →
 *       {@code 400 INPUT_REQUEST_TOO_LONG}; invokeWithLayer below 144 →
 *       {@code 400 CONNECTION_LAYER_INVALID}.</li>
 *   <li>Layer: the stated one, else the key's last known ({@link ClientLayers}: memory, or a load
 *       from {@code auths} on the blocking executor when the key is not in memory), else {@link RpcSettings#defaultLayer()}. Record what
 *       the query said (layer, initConnection).</li>
 *   <li>Decode the method with that layer's schema (if that schema is not loaded yet, on the handler
 *       executor, see {@link ApiLayer#preloadInBackground()}): an id the layer does not have, or that is not a
 *       function → {@code 400 INPUT_METHOD_INVALID_<id>_0}; arguments with a constructor their
 *       schema does not allow there → {@code 400 INPUT_CONSTRUCTOR_INVALID}; a string or vector
 *       over the {@link io.mtgate.tl.TlLimits} → {@code 400 INPUT_REQUEST_TOO_LONG}; truncated or
 *       otherwise malformed arguments → {@code 400 INPUT_FETCH_ERROR}.</li>
 *   <li>A temporary key not bound to a permanent key may call only {@code auth.bindTempAuthKey},
 *       {@code help.getConfig} and {@code help.getNearestDc}: else {@code 401 AUTH_KEY_PERM_EMPTY}.</li>
 *   <li>{@link RpcAuthorizationPolicy} (default: {@code 401 AUTH_KEY_UNREGISTERED} outside the
 *       pre-login allow-list).</li>
 *   <li>No handler → {@code 400 INPUT_METHOD_INVALID_<id>_0}.</li>
 *   <li>invokeAfterMsg(s): wait, without holding a thread, until every named query succeeded;
 *       one failed → {@code 400 MSG_WAIT_FAILED}; longer than {@link RpcSettings#waitTimeout()} →
 *       {@code 400 MSG_WAIT_TIMEOUT}.</li>
 *   <li>Run the handler (on this thread if it is {@link RpcMethodHandler.Execution#NON_BLOCKING},
 *       else on the handler executor; executor full → {@code 420 FLOOD_WAIT_1}). A thrown exception,
 *       a failed stage, a null result or a result of another layer's class → {@code 500 INTERNAL}
 *       (logged, nothing leaked).</li>
 * </ol>
 *
 * <p>Every answer is reported once to {@link RpcEvents} with the method's TL name, the error code
 * and the time since {@link #invoke}.
 */
public final class RpcDispatcher implements RpcInvoker {
    private static final Logger log = LoggerFactory.getLogger(RpcDispatcher.class);

    /** What an unbound temporary key may call (checklist 2.10). */
    public static final Set<Integer> UNBOUND_TEMP_KEY_METHODS = Set.of(PreLoginAllowList.AUTH_BIND_TEMP_AUTH_KEY,
            PreLoginAllowList.HELP_GET_CONFIG, PreLoginAllowList.HELP_GET_NEAREST_DC);

    private final RpcHandlers handlers;
    private final RpcAuthorizationPolicy policy;
    private final TempKeyBindings bindings;
    private final ClientLayers clients;
    private final Executor handlerExecutor;
    private final RpcSettings settings;
    private final InvokeWrappers wrappers;
    private final RpcEvents events;

    /**
     * @param handlerExecutor runs {@link RpcMethodHandler.Execution#BLOCKING} handlers; should be
     *                        bounded (a rejection answers {@code 420 FLOOD_WAIT_1})
     */
    public RpcDispatcher(RpcHandlers handlers, RpcAuthorizationPolicy policy, TempKeyBindings bindings,
            ClientLayers clients, Executor handlerExecutor, RpcSettings settings) {
        this(handlers, policy, bindings, clients, handlerExecutor, settings, RpcEvents.NONE);
    }

    /** @param events told of every answered query (metrics) */
    public RpcDispatcher(RpcHandlers handlers, RpcAuthorizationPolicy policy, TempKeyBindings bindings,
            ClientLayers clients, Executor handlerExecutor, RpcSettings settings, RpcEvents events) {
        this.events = Objects.requireNonNull(events, "events");
        this.handlers = Objects.requireNonNull(handlers, "handlers");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.bindings = Objects.requireNonNull(bindings, "bindings");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.handlerExecutor = Objects.requireNonNull(handlerExecutor, "handlerExecutor");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.wrappers = new InvokeWrappers(settings.limits(), settings.maxUnpackedSize());
    }

    @Override
    public void invoke(RpcCall call, RpcReply reply) {
        Once once = new Once(reply, events, System.nanoTime());
        try {
            UnwrappedQuery q = wrappers.unwrap(call.query());
            once.method(q.methodId());
            if (q.statedLayer() != null && ApiLayer.forClientLayer(q.statedLayer()).isEmpty()) {
                once.fail(RpcError.CONNECTION_LAYER_INVALID);
                return;
            }
            SessionKey key = call.key();
            AuthKeyId permanent = key.temporary() ? bindings.permanentFor(key.id()).orElse(null) : key.id();
            // A query that names its layer needs no stored one: no load, no thread hop.
            CompletionStage<ClientLayers.KnownClient> lookup = q.statedLayer() != null
                    ? CompletableFuture.completedFuture(clients.peek(key.id(), permanent))
                    : clients.lookup(key.id(), permanent);
            lookup.whenComplete((known, err) -> {
                if (err != null) {
                    log.warn("could not load the layer of key {}", key.id(), unwrap(err));
                    once.fail(RpcError.INTERNAL);
                    return;
                }
                try {
                    ClientLayers.KnownClient now = q.statedLayer() != null || q.clientInfo() != null
                            ? clients.remember(key.id(), permanent, q.statedLayer(), q.clientInfo(),
                                    call.clientAddress(), known)
                            : known;
                    dispatch(call, q, now, permanent, once);
                } catch (RuntimeException | Error e) {
                    failUnexpected(e, q.methodId(), once);
                }
            });
        } catch (TlDecodeException e) {
            once.fail(decodeError(e));
        } catch (RuntimeException e) {
            failUnexpected(e, call.query().length >= 4 ? call.constructorId() : 0, once);
        }
    }

    private void dispatch(RpcCall call, UnwrappedQuery q, ClientLayers.KnownClient known, AuthKeyId permanent,
            Once once) {
        ApiLayer layer = ApiLayer.forClientLayer(known.clientLayer()).orElse(settings.defaultLayer());
        if (!layer.isLoaded()) {
            // Building a schema's registry is class initialisation (tens of ms): never on an event loop.
            try {
                handlerExecutor.execute(() -> {
                    try {
                        layer.registry();
                        dispatch(call, q, known, permanent, once);
                    } catch (RuntimeException | Error e) {
                        failUnexpected(e, q.methodId(), once);
                    }
                });
            } catch (RejectedExecutionException e) {
                once.fail(RpcError.FLOOD_WAIT_1);
            }
            return;
        }
        RpcContext ctx = new RpcContext(call.key(), permanent, call.sessionId(), call.msgId(), layer,
                known.clientLayer(), known.clientInfo(), call.clientAddress(), q.options());
        TlFunction request;
        try {
            request = decode(q, layer);
        } catch (RpcException e) {
            once.fail(e.error());
            return;
        } catch (TlDecodeException e) {
            once.fail(decodeError(e));
            return;
        }
        int method = request.constructorId();
        if (call.key().temporary() && permanent == null && !UNBOUND_TEMP_KEY_METHODS.contains(method)) {
            once.fail(RpcError.AUTH_KEY_PERM_EMPTY);
            return;
        }
        Optional<RpcError> denied = policy.check(ctx, request);
        if (denied.isPresent()) {
            once.fail(denied.get());
            return;
        }
        Optional<RpcMethodHandler> handler = handlers.forMethod(method);
        if (handler.isEmpty()) {
            once.fail(RpcError.inputMethodInvalid(method));
            return;
        }
        if (q.afterMsgIds().isEmpty()) {
            run(handler.get(), ctx, request, once);
            return;
        }
        awaitAll(q.afterMsgIds(), call.session()).whenComplete((v, err) -> {
            if (err != null) {
                Throwable t = unwrap(err);
                once.fail(t instanceof RpcException re ? re.error() : RpcError.MSG_WAIT_FAILED);
            } else {
                run(handler.get(), ctx, request, once);
            }
        });
    }

    /** Which input error a decoding failure is, as Telegram names them (docs/RPC.md). */
    static RpcError decodeError(TlDecodeException e) {
        if (e instanceof TlConstructorException) {
            return RpcError.INPUT_CONSTRUCTOR_INVALID;
        }
        if (e instanceof TlLimitException) {
            return RpcError.INPUT_REQUEST_TOO_LONG;
        }
        return RpcError.INPUT_FETCH_ERROR;
    }

    private TlFunction decode(UnwrappedQuery q, ApiLayer layer) {
        int id = q.methodId();
        if (!layer.registry().contains(id)) {
            throw new RpcException(RpcError.inputMethodInvalid(id));
        }
        TlObject o = new TlReader(Unpooled.wrappedBuffer(q.method()), settings.limits(), layer.registry())
                .readObject(layer.registry());
        if (!(o instanceof TlFunction f)) {
            throw new RpcException(RpcError.inputMethodInvalid(id));
        }
        return f;
    }

    /**
     * Completes when every query in {@code ids} succeeded; fails with MSG_WAIT_FAILED on the first
     * failure and with MSG_WAIT_TIMEOUT after the wait timeout. Holds no thread while waiting.
     */
    private CompletableFuture<Void> awaitAll(List<Long> ids, SessionQueries session) {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        Set<Long> distinct = new LinkedHashSet<>(ids);
        AtomicInteger left = new AtomicInteger(distinct.size());
        List<CompletionStage<QueryOutcome>> waits = new ArrayList<>(distinct.size());
        for (long id : distinct) {
            CompletionStage<QueryOutcome> w;
            try {
                w = session.awaitQuery(id);
            } catch (RuntimeException e) {
                w = CompletableFuture.failedFuture(e);
            }
            waits.add(w);
            w.whenComplete((outcome, err) -> {
                if (err != null || outcome != QueryOutcome.SUCCEEDED) {
                    gate.completeExceptionally(new RpcException(RpcError.MSG_WAIT_FAILED));
                } else if (left.decrementAndGet() == 0) {
                    gate.complete(null);
                }
            });
        }
        return gate.orTimeout(settings.waitTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .handle((v, err) -> {
                    for (CompletionStage<QueryOutcome> w : waits) {
                        if (w instanceof Future<?> f && !f.isDone()) {
                            f.cancel(false); // the session may stop tracking the wait
                        }
                    }
                    if (err == null) {
                        return null;
                    }
                    Throwable t = unwrap(err);
                    throw new CompletionException(t instanceof TimeoutException
                            ? new RpcException(RpcError.MSG_WAIT_TIMEOUT) : t);
                });
    }

    private void run(RpcMethodHandler handler, RpcContext ctx, TlFunction request, Once once) {
        if (handler.execution() == RpcMethodHandler.Execution.NON_BLOCKING) {
            call(handler, ctx, request, once);
            return;
        }
        try {
            handlerExecutor.execute(() -> call(handler, ctx, request, once));
        } catch (RejectedExecutionException e) {
            log.warn("RPC executor saturated; answering FLOOD_WAIT_1 to method {}", hex(request.constructorId()));
            once.fail(RpcError.FLOOD_WAIT_1);
        }
    }

    private void call(RpcMethodHandler handler, RpcContext ctx, TlFunction request, Once once) {
        CompletionStage<TlObject> stage;
        try {
            stage = handler.handle(ctx, request);
            if (stage == null) {
                throw new IllegalStateException("handler returned a null stage");
            }
        } catch (RpcException e) {
            once.fail(e.error());
            return;
        } catch (RuntimeException | Error e) {
            failHandler(handler, request, e, once);
            return;
        }
        stage.whenComplete((result, err) -> {
            if (err != null) {
                Throwable t = unwrap(err);
                if (t instanceof RpcException re) {
                    once.fail(re.error());
                } else {
                    failHandler(handler, request, t, once);
                }
                return;
            }
            try {
                if (result == null) {
                    throw new IllegalStateException("null result");
                }
                if (ctx.layer().isForeign(result)) {
                    throw new IllegalStateException("result " + result.getClass().getName()
                            + " is not of layer " + ctx.layer().number());
                }
                once.complete(Tl.serialize(result));
            } catch (RuntimeException e) {
                failHandler(handler, request, e, once);
            }
        });
    }

    private static void failHandler(RpcMethodHandler handler, TlFunction request, Throwable e, Once once) {
        log.error("RPC handler {} failed for method {}", handler.getClass().getName(),
                hex(request.constructorId()), e);
        once.fail(RpcError.INTERNAL);
    }

    private static void failUnexpected(Throwable e, int method, Once once) {
        log.error("RPC dispatch failed for method {}", hex(method), e);
        once.fail(RpcError.INTERNAL);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String hex(int id) {
        return String.format("%08x", id);
    }

    /** Completes the reply at most once, whichever thread gets there first, and reports it. */
    private static final class Once {
        private final RpcReply reply;
        private final RpcEvents events;
        private final long startNanos;
        private final AtomicBoolean done = new AtomicBoolean();
        /** The method's constructor id once the wrappers are off; null before. */
        private volatile Integer method;

        Once(RpcReply reply, RpcEvents events, long startNanos) {
            this.reply = Objects.requireNonNull(reply, "reply");
            this.events = events;
            this.startNanos = startNanos;
        }

        void method(int constructorId) {
            method = constructorId;
        }

        void complete(byte[] boxed) {
            if (done.compareAndSet(false, true)) {
                // reported first, so whoever sees the answer also sees it counted
                report(boxed);
                reply.complete(boxed);
            }
        }

        private void report(byte[] boxed) {
            long nanos = System.nanoTime() - startNanos;
            Integer m = method;
            String name = m == null ? ApiLayer.UNKNOWN_METHOD : ApiLayer.methodName(m);
            ByteBuffer b = ByteBuffer.wrap(boxed).order(ByteOrder.LITTLE_ENDIAN);
            boolean error = boxed.length >= 8 && b.getInt(0) == RpcError.CONSTRUCTOR_ID;
            try {
                events.rpcCompleted(name, error, error ? b.getInt(4) : 0, nanos);
            } catch (RuntimeException e) {
                log.warn("RPC events listener failed: {}", e.toString());
            }
        }

        void fail(RpcError error) {
            complete(error.toBoxedBytes());
        }
    }
}
