package io.mtgate.authkey;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The {@code redis-server} binary (6.2, Linux x86-64) that embedded-redis ships in its jar, copied
 * out once per test JVM, for {@link RedisTestServer} to launch like a local one. Only the binary is
 * taken: RedisTestServer already runs the process itself (SIGKILL and restart on the same port).
 */
final class ShippedRedis {
    static final String RESOURCE = "/redis-server-6.2.6-v5-linux-amd64";

    private ShippedRedis() {
    }

    static Path executable() throws IOException {
        if (!"amd64".equals(System.getProperty("os.arch")) || !System.getProperty("os.name").startsWith("Linux")) {
            throw new IOException("the jar-shipped redis-server used here is for Linux x86-64 only");
        }
        Path dir = Files.createTempDirectory("mtgate-redis-bin-");
        Path exe = dir.resolve("redis-server");
        try (InputStream in = ShippedRedis.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " not on the test classpath (com.github.codemonstur:embedded-redis)");
            }
            Files.copy(in, exe, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!exe.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + exe + " executable");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ShippedPostgres.deleteTree(dir)));
        return exe;
    }
}
