package io.mtgate.server;

import io.mtgate.session.InitialSalts;
import io.mtgate.session.SessionManager;

/**
 * What every connection's encrypted traffic needs, shared by all connections.
 *
 * @param sessions     the session layer
 * @param initialSalts where a new key's DH salt is registered so its first messages pass
 */
public record SessionServices(SessionManager sessions, InitialSalts initialSalts) {
}
