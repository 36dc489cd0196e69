package io.mtgate.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/** Loading and creating the server's RSA key files. */
public final class RsaKeyFiles {
    private RsaKeyFiles() {
    }

    /** Reads a PKCS#1 or PKCS#8 private key PEM. */
    public static RsaKey load(Path privatePem) throws IOException, CryptoException {
        return RsaKey.fromPem(Files.readString(privatePem, StandardCharsets.US_ASCII));
    }

    /**
     * Generates a key and writes the private PKCS#1 PEM to {@code privatePem} (owner read/write only,
     * POSIX 0600 where supported; parent directories created) and the public PKCS#1 PEM to
     * {@link #publicKeyPath}. Refuses to replace an existing private key file
     * ({@link FileAlreadyExistsException}): clients hard-code the public key, so a silently
     * regenerated key would lock them out. The private file appears atomically, fully written.
     */
    public static RsaKey generateAndWrite(Path privatePem, SecureRandom rnd, int bits) throws IOException {
        Path priv = privatePem.toAbsolutePath();
        if (Files.exists(priv)) {
            throw new FileAlreadyExistsException(priv.toString(), null, "refusing to overwrite a private key");
        }
        Path dir = priv.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        RsaKey key = RsaKey.generate(rnd, bits);
        boolean posix = dir != null && Files.getFileStore(dir).supportsFileAttributeView("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + priv.getFileName(), ".tmp", attrs);
        try {
            Files.writeString(tmp, key.privateKeyPemPkcs1(), StandardCharsets.US_ASCII,
                    StandardOpenOption.TRUNCATE_EXISTING);
            if (!posix) {
                java.io.File f = tmp.toFile();
                f.setReadable(false, false);
                f.setWritable(false, false);
                f.setReadable(true, true);
                f.setWritable(true, true);
            }
            Files.move(tmp, priv, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Files.writeString(publicKeyPath(priv), key.publicKeyPemPkcs1(), StandardCharsets.US_ASCII);
        return key;
    }

    /** {@code key.pem -> key.pub.pem}; a name not ending in {@code .pem} gets {@code .pub.pem} appended. */
    public static Path publicKeyPath(Path privatePem) {
        String name = privatePem.getFileName().toString();
        String pub = name.endsWith(".pem") ? name.substring(0, name.length() - 4) + ".pub.pem" : name + ".pub.pem";
        return privatePem.resolveSibling(pub);
    }
}
