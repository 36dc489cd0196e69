package io.mtgate.rpc;

/**
 * What the invoke wrappers other than invokeWithLayer / initConnection / invokeAfterMsg(s) asked
 * for (checklist 4.3). Every field is null / false when the wrapper was absent. The RPC layer only
 * carries them to handlers; acting on them (updates subscription, takeout sessions, business
 * connections, device verification) is the handlers' business.
 *
 * @param withoutUpdates      {@code invokeWithoutUpdates}: do not subscribe this connection to updates
 * @param messagesRange       {@code invokeWithMessagesRange}
 * @param takeoutId           {@code invokeWithTakeout}
 * @param businessConnectionId {@code invokeWithBusinessConnection}
 * @param googlePlayIntegrity {@code invokeWithGooglePlayIntegrity}
 * @param apnsSecret          {@code invokeWithApnsSecret}
 * @param recaptchaToken      {@code invokeWithReCaptcha}
 */
public record InvokeOptions(boolean withoutUpdates, MessageRange messagesRange, Long takeoutId,
                            String businessConnectionId, NonceAndToken googlePlayIntegrity,
                            NonceAndToken apnsSecret, String recaptchaToken) {

    public static final InvokeOptions NONE = new InvokeOptions(false, null, null, null, null, null, null);

    /** {@code messageRange#0ae30253 min_id:int max_id:int}. */
    public record MessageRange(int minId, int maxId) {
    }

    /** A device-verification answer: Play Integrity (nonce, token) or APNs (nonce, secret). */
    public record NonceAndToken(String nonce, String token) {
        @Override
        public String toString() {
            return "NonceAndToken[<redacted>]";
        }
    }

    InvokeOptions withoutUpdates(boolean v) {
        return new InvokeOptions(v, messagesRange, takeoutId, businessConnectionId, googlePlayIntegrity, apnsSecret,
                recaptchaToken);
    }

    InvokeOptions messagesRange(MessageRange v) {
        return new InvokeOptions(withoutUpdates, v, takeoutId, businessConnectionId, googlePlayIntegrity, apnsSecret,
                recaptchaToken);
    }

    InvokeOptions takeoutId(long v) {
        return new InvokeOptions(withoutUpdates, messagesRange, v, businessConnectionId, googlePlayIntegrity,
                apnsSecret, recaptchaToken);
    }

    InvokeOptions businessConnectionId(String v) {
        return new InvokeOptions(withoutUpdates, messagesRange, takeoutId, v, googlePlayIntegrity, apnsSecret,
                recaptchaToken);
    }

    InvokeOptions googlePlayIntegrity(NonceAndToken v) {
        return new InvokeOptions(withoutUpdates, messagesRange, takeoutId, businessConnectionId, v, apnsSecret,
                recaptchaToken);
    }

    InvokeOptions apnsSecret(NonceAndToken v) {
        return new InvokeOptions(withoutUpdates, messagesRange, takeoutId, businessConnectionId, googlePlayIntegrity,
                v, recaptchaToken);
    }

    InvokeOptions recaptchaToken(String v) {
        return new InvokeOptions(withoutUpdates, messagesRange, takeoutId, businessConnectionId, googlePlayIntegrity,
                apnsSecret, v);
    }

    @Override
    public String toString() {
        return "InvokeOptions[withoutUpdates=" + withoutUpdates + ", messagesRange=" + messagesRange
                + ", takeoutId=" + takeoutId + ", businessConnection=" + (businessConnectionId != null)
                + ", googlePlayIntegrity=" + (googlePlayIntegrity != null) + ", apnsSecret=" + (apnsSecret != null)
                + ", recaptcha=" + (recaptchaToken != null) + "]";
    }
}
