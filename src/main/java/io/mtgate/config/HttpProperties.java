package io.mtgate.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The HTTP transport ({@code POST /api} on the MTProto TCP port, checklist 1.11), under
 * {@code mtgate.http.}. Its bodies are bounded by {@code mtgate.tcp.max-frame-size}, its requests
 * held at most {@code mtgate.session.max-http-wait}.
 *
 * @param corsAllowOrigin       {@code Access-Control-Allow-Origin} on every answer, for browsers'
 *                              web clients: {@code *}, one origin, or empty for no CORS headers
 * @param maxHeaderSize         request line plus headers of one request (414 / 431 beyond)
 * @param maxPipelinedRequests  requests of one connection waiting for their answers; at the limit
 *                              the connection is not read until the oldest is answered
 * @param idleTimeout           a keep-alive connection with no request in flight is closed after
 *                              this; longer than Telethon's 60-s keep-alive ping, so such a client
 *                              keeps its connection as on TCP
 * @param holdMargin            added to {@code mtgate.session.max-http-wait}: a request still
 *                              unanswered after both closes its connection (a backstop; the session
 *                              answers every request by max-http-wait)
 * @param paths                 request paths that carry MTProto ({@code /api}; {@code /apiw1} is
 *                              what Telegram's web clients ask for); others get 404
 */
@Validated
@ConfigurationProperties("mtgate.http")
public record HttpProperties(
        @NotNull @Pattern(regexp = "[\\x21-\\x7e]*", message = "visible ASCII without spaces") @DefaultValue("*")
        String corsAllowOrigin,
        @NotNull @DefaultValue("8KB") DataSize maxHeaderSize,
        @Min(1) @Max(1024) @DefaultValue("16") int maxPipelinedRequests,
        @NotNull @DurationMin(seconds = 1) @DurationMax(hours = 1) @DefaultValue("75s") Duration idleTimeout,
        @NotNull @DurationMin(seconds = 1) @DurationMax(minutes = 10) @DefaultValue("10s") Duration holdMargin,
        @NotEmpty @DefaultValue({"/api", "/apiw1"}) List<@NotNull @Pattern(regexp = "/[\\x21-\\x3e\\x40-\\x7e]{0,255}",
                message = "a path starts with / and is visible ASCII without '?'") String> paths) {
}
