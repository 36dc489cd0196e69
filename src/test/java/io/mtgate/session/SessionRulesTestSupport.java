package io.mtgate.session;

/** Small readers of server messages shared by the session tests. */
final class SessionRulesTestSupport {
    private SessionRulesTestSupport() {
    }

    /** req_msg_id of an rpc_result. */
    static long reqMsgId(SessionHarness.ServerMessage m) {
        return ServiceIds.longLE(m.body(), 4);
    }
}
