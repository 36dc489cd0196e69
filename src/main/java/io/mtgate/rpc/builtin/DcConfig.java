package io.mtgate.rpc.builtin;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@code help.getConfig} and {@code help.getNearestDc} tell clients about this server.
 *
 * @param dcId          this DC ({@code mtgate.dc-id})
 * @param ipAddress     the address clients connect to (an IP literal: clients do not resolve names
 *                      from dc_options)
 * @param port          the MTProto TCP port clients connect to; 0 = the port the listener is bound to
 *                      (when it is configured as 0, an ephemeral port: tests)
 * @param country       ISO 3166 code answered by help.getNearestDc (clients preselect it for phone numbers)
 * @param testMode      {@code test_mode} in Config
 * @param expiresAfter  Config's {@code expires} = {@code date} + this: when clients ask again
 * @param limits        the numeric limits in Config
 * @param meUrlPrefix   {@code me_url_prefix} (links to users and chats)
 */
public record DcConfig(int dcId, String ipAddress, int port, String country, boolean testMode, Duration expiresAfter,
                       Limits limits, String meUrlPrefix) {
    public DcConfig {
        Objects.requireNonNull(ipAddress, "ipAddress");
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(expiresAfter, "expiresAfter");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(meUrlPrefix, "meUrlPrefix");
        if (dcId < 1 || port < 0 || port > 65535) {
            throw new IllegalArgumentException("dcId must be >= 1 and port in 0..65535");
        }
    }

    /** Defaults: Telegram's values for its production DCs as clients receive them. */
    public static DcConfig defaults(int dcId, String ipAddress, int port) {
        return new DcConfig(dcId, ipAddress, port, "US", false, Duration.ofHours(1), Limits.TELEGRAM, "https://t.me/");
    }

    /** The limits a client enforces locally (Telegram's current values by default). */
    public record Limits(int chatSizeMax, int megagroupSizeMax, int forwardedCountMax, int messageLengthMax,
                         int captionLengthMax, int editTimeLimit, int revokeTimeLimit, int revokePmTimeLimit,
                         int stickersRecentLimit, int savedGifsLimit, int pinnedDialogsCountMax,
                         int pinnedInfolderCountMax) {
        public static final Limits TELEGRAM = new Limits(200, 200_000, 100, 4096, 1024, 172_800,
                Integer.MAX_VALUE, Integer.MAX_VALUE, 200, 200, 5, 200);
    }
}
