package io.mtgate.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The RPC layer ({@code io.mtgate.rpc}), under {@code mtgate.rpc.}. The DC id and the default port
 * come from {@code mtgate.dc-id} and {@code mtgate.tcp.port}.
 *
 * @param waitTimeout     invokeAfterMsg(s) waits this long at most, then MSG_WAIT_TIMEOUT
 * @param defaultLayer    layer of a key whose client never sent invokeWithLayer (one of 144, 158,
 *                        198, 222, 228)
 * @param maxUnpackedSize largest size a gzip_packed query may inflate to
 * @param threads         threads running blocking handlers and the auths table writes
 * @param queue           queries waiting for such a thread at most; beyond it FLOOD_WAIT_1
 * @param knownKeys       auth keys whose layer and initConnection are kept in memory
 * @param knownKeyIdleTtl such an entry is dropped after this long unused
 * @param maxTempKeyBindings temporary key bindings held at most
 * @param dc              what help.getConfig / help.getNearestDc announce
 */
@Validated
@ConfigurationProperties("mtgate.rpc")
public record RpcProperties(
        @NotNull @DefaultValue("500ms") Duration waitTimeout,
        @DefaultValue("144") int defaultLayer,
        @NotNull @DefaultValue("1MB") DataSize maxUnpackedSize,
        @Min(1) @Max(1024) @DefaultValue("16") int threads,
        @Min(1) @DefaultValue("10000") int queue,
        @Min(1) @DefaultValue("100000") long knownKeys,
        @NotNull @DefaultValue("1h") Duration knownKeyIdleTtl,
        @Min(1) @DefaultValue("1000000") int maxTempKeyBindings,
        @Valid @NotNull @DefaultValue Dc dc) {

    /**
     * @param address      the address in dc_options (an IP literal; clients do not resolve names here)
     * @param port         the port in dc_options; 0 = {@code mtgate.tcp.port}
     * @param country      ISO 3166 code answered by help.getNearestDc
     * @param testMode     Config.test_mode
     * @param configExpires Config.expires = date + this
     * @param meUrlPrefix  Config.me_url_prefix
     * @param chatSizeMax  Config.chat_size_max
     * @param megagroupSizeMax Config.megagroup_size_max
     * @param messageLengthMax Config.message_length_max
     * @param captionLengthMax Config.caption_length_max
     */
    public record Dc(
            @NotBlank @DefaultValue("127.0.0.1") String address,
            @Min(0) @Max(65535) @DefaultValue("0") int port,
            @NotNull @DefaultValue("US") String country,
            @DefaultValue("false") boolean testMode,
            @NotNull @DefaultValue("1h") Duration configExpires,
            @NotNull @DefaultValue("https://t.me/") String meUrlPrefix,
            @Min(1) @DefaultValue("200") int chatSizeMax,
            @Min(1) @DefaultValue("200000") int megagroupSizeMax,
            @Min(1) @DefaultValue("4096") int messageLengthMax,
            @Min(1) @DefaultValue("1024") int captionLengthMax) {
    }
}
