import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Warm encode and decode times of two builds of AEIC in one JVM, one coding of each in turn (A B B A ...), so that a
 * shared machine's changes of speed hit both alike; run by bench/compare-builds.sh, which runs it twice, the builds
 * loaded in both orders (the one loaded second ran 2-5 % faster here, whichever it was).
 *
 * <p>Each build is an aeic.jar with its dependencies (cli/target/aeic.jar), loaded by a class loader of its own and
 * driven through the codec's public API by reflection, so that this file needs only the JDK: {@code java
 * --add-modules jdk.incubator.vector bench/PairedBuilds.java ROUNDS IMAGE A.jar B.jar}. Prints each build's median
 * milliseconds and the median of the per-round ratios B / A.
 */
public final class PairedBuilds {
    private PairedBuilds() {
    }

    /** One build's encoder and decoder, and the image and stream they code. */
    private static final class Build {
        final Object encoder;
        final Method encode;
        final Object decoder;
        final Method decode;
        final Object image;
        final Object noListener;
        byte[] stream;

        Build(Path jar, Path png) throws Exception {
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> encodeOptions = loader.loadClass("org.aeic.codec.EncodeOptions");
            Class<?> decodeOptions = loader.loadClass("org.aeic.codec.DecodeOptions");
            Class<?> encoderClass = loader.loadClass("org.aeic.codec.AeicEncoder");
            Class<?> decoderClass = loader.loadClass("org.aeic.codec.AeicDecoder");
            Class<?> planar = loader.loadClass("org.aeic.codec.image.PlanarImage");
            Class<?> listener = loader.loadClass("org.aeic.codec.TileListener");
            Constructor<?> newEncoder = encoderClass.getConstructor(encodeOptions);
            encoder = newEncoder.newInstance(encodeOptions.getMethod("defaults").invoke(null));
            decoder = decoderClass.getConstructor(decodeOptions)
                    .newInstance(decodeOptions.getMethod("defaults").invoke(null));
            encode = encoderClass.getMethod("encode", planar, listener);
            decode = decoderClass.getMethod("decode", byte[].class);
            noListener = listener.getField("NONE").get(null);
            image = loader.loadClass("org.aeic.codec.image.ImageLoader").getMethod("read", Path.class, long.class)
                    .invoke(null, png, 1L << 30);
        }

        /** Milliseconds of one encode and one decode of its stream. */
        double[] once() throws Exception {
            long t0 = System.nanoTime();
            stream = (byte[]) encode.invoke(encoder, image, noListener);
            long t1 = System.nanoTime();
            decode.invoke(decoder, (Object) stream);
            long t2 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6};
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java --add-modules jdk.incubator.vector bench/PairedBuilds.java ROUNDS IMAGE"
                    + " A.jar B.jar");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[0]);
        Path png = Path.of(args[1]);
        Build a = new Build(Path.of(args[2]), png);
        Build b = new Build(Path.of(args[3]), png);
        List<double[]> ta = new ArrayList<>();
        List<double[]> tb = new ArrayList<>();
        int warm = Math.max(3, rounds / 3); // rounds before these are the JIT's
        for (int r = 0; r < warm + rounds; r++) {
            double[] x;
            double[] y;
            if (r % 2 == 0) {
                x = a.once();
                y = b.once();
            } else {
                y = b.once();
                x = a.once();
            }
            if (r >= warm) {
                ta.add(x);
                tb.add(y);
            }
        }
        if (!Arrays.equals(a.stream, b.stream)) {
            System.out.println("note: the two builds write different streams for " + png.getFileName());
        }
        String[] what = {"encode", "decode"};
        StringBuilder line = new StringBuilder("ratios");
        for (int p = 0; p < 2; p++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = tb.get(r)[p] / ta.get(r)[p];
            }
            System.out.printf("%s: A %.1f ms, B %.1f ms (medians), B / A %.3f (median of %d paired rounds)%n",
                    what[p], median(ta, p), median(tb, p), median(ratio), rounds);
            line.append(' ').append(median(ratio));
        }
        System.out.println(line); // for compare-builds.sh
    }

    private static double median(List<double[]> runs, int p) {
        return median(runs.stream().mapToDouble(t -> t[p]).toArray());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
