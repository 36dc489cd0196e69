package io.mtgate.config;

import io.mtgate.crypto.CryptoException;
import io.mtgate.crypto.RsaKey;
import io.mtgate.crypto.RsaKeyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the configured RSA private keys, generating a 2048-bit key where a configured file does
 * not exist yet. Logs each key's fingerprint (what clients must know) and public key path, never
 * the key itself.
 */
public final class RsaKeyProvisioner {
    private static final Logger log = LoggerFactory.getLogger(RsaKeyProvisioner.class);
    static final int GENERATED_KEY_BITS = 2048;

    private RsaKeyProvisioner() {
    }

    public static List<RsaKey> loadOrGenerate(List<Path> files, SecureRandom random) {
        List<RsaKey> keys = new ArrayList<>();
        for (Path file : files) {
            try {
                RsaKey key;
                if (Files.exists(file)) {
                    key = RsaKeyFiles.load(file);
                } else {
                    log.info("RSA key file {} does not exist: generating a {}-bit key", file, GENERATED_KEY_BITS);
                    key = RsaKeyFiles.generateAndWrite(file, random, GENERATED_KEY_BITS);
                }
                Path publicKey = RsaKeyFiles.publicKeyPath(file);
                log.info("RSA key fingerprint {} (0x{}), public key {}", key.fingerprint(),
                        String.format("%016x", key.fingerprint()),
                        Files.exists(publicKey) ? publicKey : "(no public key file beside " + file + ")");
                keys.add(key);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read or create RSA key file " + file, e);
            } catch (CryptoException e) {
                throw new IllegalStateException("RSA key file " + file + " is not a usable RSA private key: "
                        + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("no RSA key configured (mtgate.rsa.key-files)");
        }
        return keys;
    }
}
