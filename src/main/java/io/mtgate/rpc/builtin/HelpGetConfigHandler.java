package io.mtgate.rpc.builtin;

import io.mtgate.rpc.BuiltInRpcHandler;
import io.mtgate.rpc.RpcContext;
import io.mtgate.tl.TlFunction;
import io.mtgate.tl.TlObject;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code help.getConfig#c4f9186b}: the Config of the client's layer ({@code config#330b4067} at
 * 144, {@code config#cc1a241e} from 158 on) with this one DC in {@code dc_options} and the
 * configured limits. No bot usernames (gif/venue/image search) are announced: this server has no
 * such bots. Pure computation: runs on the event loop.
 */
public final class HelpGetConfigHandler implements BuiltInRpcHandler {
    public static final int METHOD = 0xc4f9186b;

    // Client timing parameters: Telegram's values; nothing on the server depends on them.
    private static final int ONLINE_UPDATE_PERIOD_MS = 210_000;
    private static final int OFFLINE_BLUR_TIMEOUT_MS = 5_000;
    private static final int OFFLINE_IDLE_TIMEOUT_MS = 30_000;
    private static final int ONLINE_CLOUD_TIMEOUT_MS = 300_000;
    private static final int NOTIFY_CLOUD_DELAY_MS = 30_000;
    private static final int NOTIFY_DEFAULT_DELAY_MS = 1_500;
    private static final int PUSH_CHAT_PERIOD_MS = 60_000;
    private static final int PUSH_CHAT_LIMIT = 2;
    private static final int RATING_E_DECAY = 2_419_200;
    private static final int STICKERS_FAVED_LIMIT = 5;
    private static final int CHANNELS_READ_MEDIA_PERIOD = 604_800;
    private static final int CALL_RECEIVE_TIMEOUT_MS = 20_000;
    private static final int CALL_RING_TIMEOUT_MS = 90_000;
    private static final int CALL_CONNECT_TIMEOUT_MS = 30_000;
    private static final int CALL_PACKET_TIMEOUT_MS = 10_000;

    private final DcConfig dc;
    private final InstantSource clock;
    private final IntSupplier listenerPort;

    /** For a {@code dc} with a fixed port. */
    public HelpGetConfigHandler(DcConfig dc, InstantSource clock) {
        this(dc, clock, () -> {
            throw new IllegalStateException("DcConfig.port is 0 and no listener port was given");
        });
    }

    /** @param listenerPort the bound port of the MTProto listener, used when {@code dc.port()} is 0 */
    public HelpGetConfigHandler(DcConfig dc, InstantSource clock, IntSupplier listenerPort) {
        this.dc = Objects.requireNonNull(dc, "dc");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listenerPort = Objects.requireNonNull(listenerPort, "listenerPort");
    }

    @Override
    public Set<Integer> methods() {
        return Set.of(METHOD);
    }

    @Override
    public Execution execution() {
        return Execution.NON_BLOCKING;
    }

    @Override
    public CompletionStage<TlObject> handle(RpcContext ctx, TlFunction request) {
        int date = (int) clock.instant().getEpochSecond();
        int expires = (int) (date + dc.expiresAfter().toSeconds());
        DcConfig.Limits l = dc.limits();
        boolean ipv6 = dc.ipAddress().indexOf(':') >= 0;
        int port = dc.port() != 0 ? dc.port() : listenerPort.getAsInt();
        TlObject config = switch (ctx.layer()) {
            case L144 -> new io.mtgate.tl.api.l144.Config(false, false, false, false, true, false, false, false,
                    date, expires, dc.testMode(), dc.dcId(),
                    List.of(new io.mtgate.tl.api.l144.DcOption(ipv6, false, false, false, false, false, dc.dcId(),
                            dc.ipAddress(), port, null)),
                    "", l.chatSizeMax(), l.megagroupSizeMax(), l.forwardedCountMax(), ONLINE_UPDATE_PERIOD_MS,
                    OFFLINE_BLUR_TIMEOUT_MS, OFFLINE_IDLE_TIMEOUT_MS, ONLINE_CLOUD_TIMEOUT_MS, NOTIFY_CLOUD_DELAY_MS,
                    NOTIFY_DEFAULT_DELAY_MS, PUSH_CHAT_PERIOD_MS, PUSH_CHAT_LIMIT, l.savedGifsLimit(),
                    l.editTimeLimit(), l.revokeTimeLimit(), l.revokePmTimeLimit(), RATING_E_DECAY,
                    l.stickersRecentLimit(), STICKERS_FAVED_LIMIT, CHANNELS_READ_MEDIA_PERIOD, null,
                    l.pinnedDialogsCountMax(), l.pinnedInfolderCountMax(), CALL_RECEIVE_TIMEOUT_MS,
                    CALL_RING_TIMEOUT_MS, CALL_CONNECT_TIMEOUT_MS, CALL_PACKET_TIMEOUT_MS, dc.meUrlPrefix(), null,
                    null, null, null, null, l.captionLengthMax(), l.messageLengthMax(), dc.dcId(), null, null, null);
            case L158 -> new io.mtgate.tl.api.l158.Config(false, false, true, false, false, date, expires,
                    dc.testMode(), dc.dcId(),
                    List.of(new io.mtgate.tl.api.l158.DcOption(ipv6, false, false, false, false, false, dc.dcId(),
                            dc.ipAddress(), port, null)),
                    "", l.chatSizeMax(), l.megagroupSizeMax(), l.forwardedCountMax(), ONLINE_UPDATE_PERIOD_MS,
                    OFFLINE_BLUR_TIMEOUT_MS, OFFLINE_IDLE_TIMEOUT_MS, ONLINE_CLOUD_TIMEOUT_MS, NOTIFY_CLOUD_DELAY_MS,
                    NOTIFY_DEFAULT_DELAY_MS, PUSH_CHAT_PERIOD_MS, PUSH_CHAT_LIMIT, l.editTimeLimit(),
                    l.revokeTimeLimit(), l.revokePmTimeLimit(), RATING_E_DECAY, l.stickersRecentLimit(),
                    CHANNELS_READ_MEDIA_PERIOD, null, CALL_RECEIVE_TIMEOUT_MS, CALL_RING_TIMEOUT_MS,
                    CALL_CONNECT_TIMEOUT_MS, CALL_PACKET_TIMEOUT_MS, dc.meUrlPrefix(), null, null, null, null, null,
                    l.captionLengthMax(), l.messageLengthMax(), dc.dcId(), null, null, null, null, null);
            case L198 -> new io.mtgate.tl.api.l198.Config(false, false, true, false, false, date, expires,
                    dc.testMode(), dc.dcId(),
                    List.of(new io.mtgate.tl.api.l198.DcOption(ipv6, false, false, false, false, false, dc.dcId(),
                            dc.ipAddress(), port, null)),
                    "", l.chatSizeMax(), l.megagroupSizeMax(), l.forwardedCountMax(), ONLINE_UPDATE_PERIOD_MS,
                    OFFLINE_BLUR_TIMEOUT_MS, OFFLINE_IDLE_TIMEOUT_MS, ONLINE_CLOUD_TIMEOUT_MS, NOTIFY_CLOUD_DELAY_MS,
                    NOTIFY_DEFAULT_DELAY_MS, PUSH_CHAT_PERIOD_MS, PUSH_CHAT_LIMIT, l.editTimeLimit(),
                    l.revokeTimeLimit(), l.revokePmTimeLimit(), RATING_E_DECAY, l.stickersRecentLimit(),
                    CHANNELS_READ_MEDIA_PERIOD, null, CALL_RECEIVE_TIMEOUT_MS, CALL_RING_TIMEOUT_MS,
                    CALL_CONNECT_TIMEOUT_MS, CALL_PACKET_TIMEOUT_MS, dc.meUrlPrefix(), null, null, null, null, null,
                    l.captionLengthMax(), l.messageLengthMax(), dc.dcId(), null, null, null, null, null);
            case L222 -> new io.mtgate.tl.api.l222.Config(false, false, true, false, false, date, expires,
                    dc.testMode(), dc.dcId(),
                    List.of(new io.mtgate.tl.api.l222.DcOption(ipv6, false, false, false, false, false, dc.dcId(),
                            dc.ipAddress(), port, null)),
                    "", l.chatSizeMax(), l.megagroupSizeMax(), l.forwardedCountMax(), ONLINE_UPDATE_PERIOD_MS,
                    OFFLINE_BLUR_TIMEOUT_MS, OFFLINE_IDLE_TIMEOUT_MS, ONLINE_CLOUD_TIMEOUT_MS, NOTIFY_CLOUD_DELAY_MS,
                    NOTIFY_DEFAULT_DELAY_MS, PUSH_CHAT_PERIOD_MS, PUSH_CHAT_LIMIT, l.editTimeLimit(),
                    l.revokeTimeLimit(), l.revokePmTimeLimit(), RATING_E_DECAY, l.stickersRecentLimit(),
                    CHANNELS_READ_MEDIA_PERIOD, null, CALL_RECEIVE_TIMEOUT_MS, CALL_RING_TIMEOUT_MS,
                    CALL_CONNECT_TIMEOUT_MS, CALL_PACKET_TIMEOUT_MS, dc.meUrlPrefix(), null, null, null, null, null,
                    l.captionLengthMax(), l.messageLengthMax(), dc.dcId(), null, null, null, null, null);
            case L228 -> new io.mtgate.tl.api.l228.Config(false, false, true, false, false, date, expires,
                    dc.testMode(), dc.dcId(),
                    List.of(new io.mtgate.tl.api.l228.DcOption(ipv6, false, false, false, false, false, dc.dcId(),
                            dc.ipAddress(), port, null)),
                    "", l.chatSizeMax(), l.megagroupSizeMax(), l.forwardedCountMax(), ONLINE_UPDATE_PERIOD_MS,
                    OFFLINE_BLUR_TIMEOUT_MS, OFFLINE_IDLE_TIMEOUT_MS, ONLINE_CLOUD_TIMEOUT_MS, NOTIFY_CLOUD_DELAY_MS,
                    NOTIFY_DEFAULT_DELAY_MS, PUSH_CHAT_PERIOD_MS, PUSH_CHAT_LIMIT, l.editTimeLimit(),
                    l.revokeTimeLimit(), l.revokePmTimeLimit(), RATING_E_DECAY, l.stickersRecentLimit(),
                    CHANNELS_READ_MEDIA_PERIOD, null, CALL_RECEIVE_TIMEOUT_MS, CALL_RING_TIMEOUT_MS,
                    CALL_CONNECT_TIMEOUT_MS, CALL_PACKET_TIMEOUT_MS, dc.meUrlPrefix(), null, null, null, null, null,
                    l.captionLengthMax(), l.messageLengthMax(), dc.dcId(), null, null, null, null, null);
        };
        return CompletableFuture.completedFuture(config);
    }
}
