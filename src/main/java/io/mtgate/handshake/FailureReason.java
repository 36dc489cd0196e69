package io.mtgate.handshake;

/**
 * Why the last {@link HandshakeStep.Failure} was returned (a bounded set, usable as a metrics tag).
 * Never sent to the client: clients only ever see -404 or -444.
 */
public enum FailureReason {
    /** Not a well-formed plain message (auth_key_id, msg_id, length). */
    MALFORMED_MESSAGE,
    /** A plain message whose body is not a handshake request, or an undecodable request. */
    UNEXPECTED_REQUEST,
    /** nonce/server_nonce name no live attempt (unknown, mismatched or forgotten). */
    UNKNOWN_ATTEMPT,
    /** The attempt failed earlier. */
    ATTEMPT_FAILED,
    /** A request that is not valid in the attempt's current state. */
    WRONG_STATE,
    /** req_DH_params names a fingerprint that was not offered. */
    UNKNOWN_FINGERPRINT,
    /** p/q do not factor the pq sent, or are not ordered. */
    BAD_PQ,
    /** encrypted_data did not decrypt to a verified p_q_inner_data (both paddings tried). */
    BAD_ENCRYPTED_DATA,
    /** The inner data disagrees with the outer request or the stored attempt. */
    INNER_DATA_MISMATCH,
    /** The inner dc is not this DC (-444). */
    WRONG_DC,
    /** A temporary key's expires_in is not in (0, maxTempKeyLifetime]. */
    BAD_EXPIRES_IN,
    /** client_DH_inner_data: bad length, hash, padding or TL. */
    BAD_CLIENT_DH_DATA,
    /** retry_id is not 0 (first try) or the aux hash of the rejected key. */
    BAD_RETRY_ID,
    /** g_b outside the safe range. */
    BAD_G_B,
    /** The adapter reported {@link StoreOutcome#FAILED}, or too many retries. */
    STORE_FAILED,
    /** A bug: an unexpected exception was caught. */
    INTERNAL
}
