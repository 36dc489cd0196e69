import java.nio.file.*;
/** Placeholder replaced by the real generator in the next commit. */
public class TlGenerator {
    public static void main(String[] a) throws Exception {
        Files.createDirectories(Path.of(a[1]));
    }
}
