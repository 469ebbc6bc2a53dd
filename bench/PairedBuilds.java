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
 * Warm encode and decode times in one JVM, taken in turn with something else's, so that a shared machine's changes of
 * speed hit both alike:
 * <ul>
 * <li>{@code ROUNDS IMAGE A.jar B.jar}: two builds of AEIC, one coding of each in turn (A B B A ...); run by
 * bench/compare-builds.sh, which runs it twice, the builds loaded in both orders (the one loaded second ran 2-5 %
 * faster here, whichever it was). Prints each build's median milliseconds and the median of the per-round ratios
 * B / A, with its 95 % confidence interval.
 * <li>{@code tools ROUNDS QUALITY AEIC.jar ENCODER DECODER EXT IMAGE...}: AEIC's warm encode and decode of each image
 * beside a process of an image tool's encoder and then its decoder on the same image (in ABBA order), e.g.
 * {@code "avifenc -s 6 {in} {out}" "avifdec {in} {out}" .avif}; run by bench/speed.sh. Prints the medians of the
 * ratio of the summed times AEIC / tool, and the per-image ratios' median, its 95 % confidence interval and range.
 * </ul>
 *
 * <p>Each build is an aeic.jar with its dependencies (cli/target/aeic.jar), loaded by a class loader of its own and
 * driven through the codec's public API by reflection, so that this file needs only the JDK: {@code java
 * --add-modules jdk.incubator.vector bench/PairedBuilds.java ARGS...}.
 */
public final class PairedBuilds {
    private PairedBuilds() {
    }

    /** One build's encoder and decoder, and the stream it wrote last. */
    private static final class Build {
        final Object encoder;
        final Method encode;
        final Object decoder;
        final Method decode;
        final Method read;
        final Object noListener;
        byte[] stream;

        /** @param quality the encoder's quality, or null for the build's own default */
        Build(Path jar, Double quality) throws Exception {
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> encodeOptions = loader.loadClass("org.aeic.codec.EncodeOptions");
            Class<?> decodeOptions = loader.loadClass("org.aeic.codec.DecodeOptions");
            Class<?> encoderClass = loader.loadClass("org.aeic.codec.AeicEncoder");
            Class<?> decoderClass = loader.loadClass("org.aeic.codec.AeicDecoder");
            Class<?> planar = loader.loadClass("org.aeic.codec.image.PlanarImage");
            Class<?> listener = loader.loadClass("org.aeic.codec.TileListener");
            Constructor<?> newEncoder = encoderClass.getConstructor(encodeOptions);
            Object options = encodeOptions.getMethod("defaults").invoke(null);
            encoder = newEncoder.newInstance(quality == null ? options
                    : encodeOptions.getMethod("withQuality", double.class).invoke(options, quality));
            decoder = decoderClass.getConstructor(decodeOptions)
                    .newInstance(decodeOptions.getMethod("defaults").invoke(null));
            encode = encoderClass.getMethod("encode", planar, listener);
            decode = decoderClass.getMethod("decode", byte[].class);
            noListener = listener.getField("NONE").get(null);
            read = loader.loadClass("org.aeic.codec.image.ImageLoader").getMethod("read", Path.class, long.class);
        }

        /** The image at {@code png}, as this build's encoder takes it. */
        Object image(Path png) throws Exception {
            return read.invoke(null, png, 1L << 30);
        }

        /** Milliseconds of one encode of {@code image} and one decode of its stream. */
        double[] once(Object image) throws Exception {
            long t0 = System.nanoTime();
            stream = (byte[]) encode.invoke(encoder, image, noListener);
            long t1 = System.nanoTime();
            decode.invoke(decoder, (Object) stream);
            long t2 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6};
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 8 && args[0].equals("tools")) {
            tools(args);
        } else if (args.length == 4) {
            builds(args);
        } else {
            System.err.println("usage: java --add-modules jdk.incubator.vector bench/PairedBuilds.java ROUNDS IMAGE"
                    + " A.jar B.jar\n       ... bench/PairedBuilds.java tools ROUNDS QUALITY AEIC.jar ENCODER DECODER"
                    + " EXT IMAGE...   (ENCODER, DECODER: command lines with {in} and {out})");
            System.exit(2);
        }
    }

    private static void builds(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path png = Path.of(args[1]);
        Build a = new Build(Path.of(args[2]), null);
        Build b = new Build(Path.of(args[3]), null);
        Object imageA = a.image(png);
        Object imageB = b.image(png);
        List<double[]> ta = new ArrayList<>();
        List<double[]> tb = new ArrayList<>();
        int warm = Math.max(3, rounds / 3); // rounds before these are the JIT's
        for (int r = 0; r < warm + rounds; r++) {
            double[] x;
            double[] y;
            if (r % 2 == 0) {
                x = a.once(imageA);
                y = b.once(imageB);
            } else {
                y = b.once(imageB);
                x = a.once(imageA);
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
            System.out.printf("%s: A %.1f ms, B %.1f ms (medians), B / A %.3f (median of %d paired rounds; %s)%n",
                    what[p], median(ta, p), median(tb, p), median(ratio), rounds, medianInterval(ratio, "%.3f"));
            line.append(' ').append(median(ratio));
        }
        System.out.println(line); // for compare-builds.sh
    }

    private static void tools(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[1]);
        Build aeic = new Build(Path.of(args[3]), Double.parseDouble(args[2]));
        String encoder = args[4];
        String decoder = args[5];
        Path dir = Files.createTempDirectory("aeic-paired-");
        Path coded = dir.resolve("coded" + args[6]);
        Path decoded = dir.resolve("decoded.png");
        List<Path> pngs = new ArrayList<>();
        List<Object> images = new ArrayList<>();
        for (int i = 7; i < args.length; i++) {
            pngs.add(Path.of(args[i]));
            images.add(aeic.image(pngs.get(pngs.size() - 1)));
        }
        for (int w = 0; w < 5; w++) { // untimed, as aeic eval's warm-up
            aeic.once(images.get(0));
        }
        List<double[]> ratios = new ArrayList<>(); // aeic / tool: encode, decode
        double[] ourSum = new double[2];
        double[] theirSum = new double[2];
        try {
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < images.size(); i++) {
                    String in = pngs.get(i).toString();
                    boolean oursFirst = (r + i) % 2 == 0;
                    double[] ours = oursFirst ? aeic.once(images.get(i)) : null;
                    double[] theirs = {process(encoder, in, coded.toString()),
                            process(decoder, coded.toString(), decoded.toString())};
                    if (!oursFirst) {
                        ours = aeic.once(images.get(i));
                    }
                    ratios.add(new double[] {ours[0] / theirs[0], ours[1] / theirs[1]});
                    for (int p = 0; p < 2; p++) {
                        ourSum[p] += ours[p];
                        theirSum[p] += theirs[p];
                    }
                }
            }
        } finally {
            Files.deleteIfExists(coded);
            Files.deleteIfExists(decoded);
            Files.deleteIfExists(dir);
        }
        String[] what = {"encode", "decode"};
        for (int p = 0; p < 2; p++) {
            int at = p;
            double[] v = ratios.stream().mapToDouble(t -> t[at]).toArray();
            System.out.printf("warm %s / %s, %d pairs: x%.2f of the summed times; median pair x%.2f (%s; all x%.2f to"
                    + " x%.2f)%n", what[p], (p == 0 ? encoder : decoder).split(" ")[0], v.length,
                    ourSum[p] / theirSum[p], median(v), medianInterval(v, "x%.2f"), Arrays.stream(v).min().orElse(0),
                    Arrays.stream(v).max().orElse(0));
        }
    }

    /** Milliseconds of a process of {@code command} ({in} and {out} replaced), which must succeed. */
    private static double process(String command, String in, String out) throws Exception {
        List<String> cmd = new ArrayList<>();
        for (String word : command.trim().split(" +")) {
            cmd.add(word.replace("{in}", in).replace("{out}", out));
        }
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(List<double[]> runs, int p) {
        return median(runs.stream().mapToDouble(t -> t[p]).toArray());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * "95 % interval LO-HI": where the median of the pairs' ratios lies with 95 % confidence, without assuming how
     * they are distributed: the order statistics t + 1 and n - t of n ratios, t the most with P(Binomial(n, 1/2)
     * <= t) <= 2.5 %. It takes the pairs as independent, which a shared machine's slow spells make only roughly so.
     * Under 6 pairs no such t exists: "range LO-HI" then.
     */
    private static String medianInterval(double[] v, String format) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        double pmf = Math.pow(0.5, n);
        double below = pmf; // P(Binomial(n, 1/2) <= t)
        int t = -1;
        while (below <= 0.025) {
            t++;
            pmf = pmf * (n - t) / (t + 1);
            below += pmf;
        }
        return t < 0 ? "range " + String.format(format, s[0]) + "-" + String.format(format, s[n - 1])
                : "95 % interval " + String.format(format, s[t]) + "-" + String.format(format, s[n - 1 - t]);
    }
}
