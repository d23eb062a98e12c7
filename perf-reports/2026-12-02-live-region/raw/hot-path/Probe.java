import dev.tidemark.store.*;
import org.agrona.concurrent.UnsafeBuffer;
import java.io.File;
import java.nio.file.*;
public class Probe {
    public static void main(String[] a) throws Exception {
        File dir = Files.createTempDirectory("probe").toFile();
        StoreContext ctx = new StoreContext().dir(dir).keyLength(8).maxValueLength(64).capacity(1_000_000);
        if (a[0].equals("store")) ctx.liveRegionDirectory(null);
        try (StateStore s = StateStore.open(ctx)) {
            UnsafeBuffer v = new UnsafeBuffer(new byte[64]);
            for (long k = 0; k < 1_000_000; k++) s.put(k, v, 0, 64);
            java.util.SplittableRandom r = new java.util.SplittableRandom(1);
            for (int i = 0; i < 20_000_000; i++) s.put(r.nextInt(1_000_000), v, 0, 64);
            String live = s.statistics().liveRegionFile().getPath();
            boolean in = false;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                if (line.contains(live) || line.contains("tidemark-live")) { in = line.contains(live) && !line.contains("deleted") || line.contains(live); if (in) System.out.println(line); continue; }
                if (in && (line.startsWith("Size") || line.startsWith("Rss") || line.contains("PmdMapped") || line.startsWith("KernelPageSize") || line.startsWith("THPeligible"))) System.out.println("  " + line);
                if (in && line.startsWith("VmFlags")) in = false;
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < 20_000_000; i++) s.put(r.nextInt(1_000_000), v, 0, 64);
            System.out.println(a[0] + ": " + (System.nanoTime() - t0) / 20_000_000.0 + " ns/put");
        }
    }
}
