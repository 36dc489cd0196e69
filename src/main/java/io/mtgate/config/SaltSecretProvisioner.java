package io.mtgate.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the server-salt secret, or creates it (32 random bytes, owner-only file) on first start.
 * Nodes of one cluster must share the file; it is never logged.
 */
final class SaltSecretProvisioner {
    private static final Logger log = LoggerFactory.getLogger(SaltSecretProvisioner.class);
    static final int LENGTH = 32;

    private SaltSecretProvisioner() {
    }

    static byte[] loadOrCreate(Path file, SecureRandom random) {
        try {
            if (Files.exists(file)) {
                byte[] secret = Files.readAllBytes(file);
                if (secret.length < LENGTH) {
                    throw new IllegalStateException("salt secret " + file + " must hold at least " + LENGTH + " bytes");
                }
                return secret;
            }
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            byte[] secret = new byte[LENGTH];
            random.nextBytes(secret);
            Path tmp = Files.createTempFile(dir, ".salt-secret", ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: rely on the directory's protection
                }
                Files.write(tmp, secret, StandardOpenOption.TRUNCATE_EXISTING);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            log.info("generated a new server-salt secret at {} (share it between the nodes of a cluster)", file);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the salt secret " + file, e);
        }
    }
}
