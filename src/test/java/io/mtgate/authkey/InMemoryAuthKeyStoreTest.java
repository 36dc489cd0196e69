package io.mtgate.authkey;

import java.time.Clock;

class InMemoryAuthKeyStoreTest extends AuthKeyStoreContractTest {
    @Override
    protected AuthKeyStore newStore(Clock clock, int maxTemporaryKeys) {
        return new InMemoryAuthKeyStore(clock, maxTemporaryKeys);
    }
}
