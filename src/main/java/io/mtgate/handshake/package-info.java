/**
 * MTProto auth-key creation (checklist section 2) as a sans-IO state machine:
 * {@link io.mtgate.handshake.HandshakeSession} takes plain messages and returns
 * {@link io.mtgate.handshake.HandshakeStep}s (a reply to send, a key to store, or a transport
 * error). No Netty channel, no Spring, no storage; clock and randomness are injected.
 * Nothing here logs; key material never appears in any {@code toString()}.
 */
package io.mtgate.handshake;
