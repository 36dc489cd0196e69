package io.mtgate.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads {@code libmtgate_ige.so} (the AES-NI IGE kernel) once per class loader. The library ships
 * in the jar at {@value #RESOURCE}; it is copied to a private temp file (owner read/write only,
 * unique name, created exclusively), loaded with {@link System#load} and the file is deleted
 * right away (the mapping stays; {@code deleteOnExit} as a backup).
 *
 * <p>Never throws: any failure (property {@code mtgate.crypto.native=false}, not Linux x86_64,
 * library missing from the jar, load error, ABI mismatch, CPU without AES-NI) leaves
 * {@link #isLoaded()} false with the reason in {@link #unavailableReason()}.
 *
 * <p>System properties: {@code mtgate.crypto.native} ({@code false} forces pure Java),
 * {@code mtgate.crypto.native.tmpdir} (directory for the extracted file when {@code java.io.tmpdir}
 * is mounted noexec).
 */
final class NativeLibrary {
    static final String PROPERTY = "mtgate.crypto.native";
    static final String TMPDIR_PROPERTY = "mtgate.crypto.native.tmpdir";
    static final String RESOURCE = "/native/linux-x86_64/libmtgate_ige.so";

    private static final String[] STATE = load(); // {origin, null} or {null, reason}

    private NativeLibrary() {
    }

    static boolean isLoaded() {
        return STATE[0] != null;
    }

    /** Where the library came from, when loaded. */
    static String origin() {
        return STATE[0];
    }

    /** Why the kernel is not used (null when it is). */
    static String unavailableReason() {
        return STATE[1];
    }

    private static String[] load() {
        try {
            String problem = platformProblem();
            if (problem != null) {
                return fail(problem);
            }
            if (!extractAndLoad(RESOURCE, "mtgate_ige-")) {
                return fail(RESOURCE + " is not on the class path (built without gcc?)");
            }
            int abi = NativeAesIge.abiVersion0();
            if (abi != NativeAesIge.ABI_VERSION) {
                return fail("library ABI " + abi + ", expected " + NativeAesIge.ABI_VERSION);
            }
            if (!NativeAesIge.cpuSupported0()) {
                return fail("CPU has no AES-NI/SSE4.1");
            }
            return new String[] {"classpath:" + RESOURCE, null};
        } catch (IOException | RuntimeException | LinkageError e) {
            return fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** True when this JVM may use the project's Linux x86_64 native libraries at all. */
    static String platformProblem() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
            return "disabled by -D" + PROPERTY + "=false";
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "no native build for " + os + "/" + arch;
        }
        return null;
    }

    /**
     * Copies a library from the class path to a private temp file, loads it and deletes the file.
     *
     * @return false when the resource is not on the class path
     */
    static boolean extractAndLoad(String resource, String prefix) throws IOException {
        Path file;
        try (InputStream lib = NativeLibrary.class.getResourceAsStream(resource)) {
            if (lib == null) {
                return false;
            }
            String dir = System.getProperty(TMPDIR_PROPERTY);
            var perms = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            file = dir == null || dir.isBlank()
                    ? Files.createTempFile(prefix, ".so", perms)
                    : Files.createTempFile(Paths.get(dir), prefix, ".so", perms);
            try (OutputStream o = Files.newOutputStream(file)) { // keeps the 0600 permissions
                lib.transferTo(o);
            }
        }
        try {
            System.load(file.toAbsolutePath().toString());
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
        return true;
    }

    private static String[] fail(String reason) {
        return new String[] {null, reason};
    }
}
