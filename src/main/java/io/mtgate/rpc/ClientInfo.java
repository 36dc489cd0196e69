package io.mtgate.rpc;

import java.util.Objects;

/**
 * What the client said in {@code initConnection} (checklist 4.3). Strings are as sent (UTF-8
 * decoded); the repository truncates them to its column widths.
 *
 * @param proxy      {@code inputClientProxy} (the MTProxy the client connects through), or null
 * @param paramsJson {@code params} (a JSONValue) as JSON text; {@code "{}"} when absent
 */
public record ClientInfo(int apiId, String deviceModel, String systemVersion, String appVersion,
                         String systemLangCode, String langPack, String langCode, ClientProxy proxy,
                         String paramsJson) {
    public ClientInfo {
        Objects.requireNonNull(deviceModel, "deviceModel");
        Objects.requireNonNull(systemVersion, "systemVersion");
        Objects.requireNonNull(appVersion, "appVersion");
        Objects.requireNonNull(systemLangCode, "systemLangCode");
        Objects.requireNonNull(langPack, "langPack");
        Objects.requireNonNull(langCode, "langCode");
        Objects.requireNonNull(paramsJson, "paramsJson");
    }

    /** {@code inputClientProxy#75588b3f address:string port:int}. */
    public record ClientProxy(String address, int port) {
        public ClientProxy {
            Objects.requireNonNull(address, "address");
        }
    }
}
