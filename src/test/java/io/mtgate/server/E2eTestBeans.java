package io.mtgate.server;

import io.mtgate.authkey.AuthKeyStore;
import io.mtgate.authkey.AuthKeyStoreException;
import io.mtgate.authkey.ServerSalt;
import io.mtgate.authkey.StoredAuthKey;
import io.mtgate.crypto.AuthKeyId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Test replacements wired into the real application context: a clock the tests can move forward
 * (the gateway's {@code Clock} drives handshake times and temporary-key expiry) and a key store
 * that wraps the real one and can be told to fail.
 */
@TestConfiguration(proxyBeanMethods = false)
class E2eTestBeans {

    @Bean
    @Primary
    ShiftableClock e2eClock() {
        return new ShiftableClock();
    }

    @Bean
    @Primary
    FaultyStore e2eFaultyStore(@Qualifier("mtgateAuthKeyStore") AuthKeyStore real) {
        return new FaultyStore(real);
    }

    /** The system clock plus an offset the test sets; {@link #reset()} returns to real time. */
    static final class ShiftableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        void reset() {
            offset = Duration.ZERO;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** Delegates to the real store unless told to fail a write (as a broken database would). */
    static final class FaultyStore implements AuthKeyStore {
        enum Fault { NONE, SAVE, SALT }

        final AuthKeyStore real;
        volatile Fault fault = Fault.NONE;
        final AtomicInteger saves = new AtomicInteger();

        FaultyStore(AuthKeyStore real) {
            this.real = real;
        }

        @Override
        public Optional<StoredAuthKey> find(AuthKeyId id) {
            return real.find(id);
        }

        @Override
        public SaveResult save(StoredAuthKey key) {
            saves.incrementAndGet();
            if (fault == Fault.SAVE) {
                throw new AuthKeyStoreException("injected: database unavailable");
            }
            return real.save(key);
        }

        @Override
        public boolean delete(AuthKeyId id) {
            return real.delete(id);
        }

        @Override
        public void recordInitialSalt(AuthKeyId id, long salt, Instant validFrom) {
            if (fault == Fault.SALT) {
                throw new AuthKeyStoreException("injected: salt write failed");
            }
            real.recordInitialSalt(id, salt, validFrom);
        }

        @Override
        public List<ServerSalt> salts(AuthKeyId id) {
            return real.salts(id);
        }
    }
}
