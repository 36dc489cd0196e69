package io.mtgate.session;

import java.util.concurrent.CompletionStage;

/** What one session knows about the RPC queries it received, for {@code invokeAfterMsg(s)}. */
public interface SessionQueries {
    /**
     * Completes when the query with this client msg_id has been answered: {@link QueryOutcome#SUCCEEDED}
     * for a result, {@link QueryOutcome#FAILED} for an {@code rpc_error} or a dropped query. For an id
     * this session has not received yet, the stage completes when that query arrives and is answered;
     * the caller applies its own timeout (MSG_WAIT_TIMEOUT) and may cancel the returned future.
     */
    CompletionStage<QueryOutcome> awaitQuery(long msgId);

    enum QueryOutcome {
        SUCCEEDED,
        FAILED
    }
}
