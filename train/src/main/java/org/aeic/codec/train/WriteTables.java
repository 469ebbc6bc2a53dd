package org.aeic.codec.train;

import java.nio.file.Files;
import java.nio.file.Path;
import org.aeic.codec.AeicException;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.model.ModelFiles;
import org.aeic.codec.prior.ScaleTables;
import org.aeic.proto.ModelFile;

/**
 * Makes a codec model of a "mean-scale-gdn" file that holds only tensors (what {@code pytorch/train_hyper.py}
 * writes): the integer tables are computed here, the Java side being their reference.
 *
 * <pre>java -cp cli/target/aeic.jar org.aeic.codec.train.WriteTables [--min-scale S] [--description D] IN OUT</pre>
 *
 * {@code --min-scale} starts the scale table at the lower bound the model was trained with, if not the default
 * (the table keeps the default's ratio between neighbouring scales and ends at the default's largest).
 */
public final class WriteTables {
    private WriteTables() {
    }

    public static void main(String[] args) throws Exception {
        java.util.List<String> rest = new java.util.ArrayList<>(java.util.List.of(args));
        String description = option(rest, "--description");
        String minScale = option(rest, "--min-scale");
        if (rest.size() != 2) {
            System.err.println("usage: WriteTables [--min-scale S] [--description D] IN.aeicm OUT.aeicm");
            System.exit(2);
        }
        args = rest.toArray(new String[0]);
        try {
            float[] scales = ScaleTables.defaultScales();
            if (minScale != null) {
                double min = Double.parseDouble(minScale);
                double ratio = StrictMath.log(ScaleTables.MAX_SCALE / ScaleTables.MIN_SCALE) / (ScaleTables.COUNT - 1);
                int count = 1 + (int) Math.round(StrictMath.log(ScaleTables.MAX_SCALE / min) / ratio);
                scales = ScaleTables.scales(min, ScaleTables.MAX_SCALE, count);
            }
            ModelFile f = ModelFiles.withTables(ModelFiles.parse(Files.readAllBytes(Path.of(args[0]))), scales);
            if (description != null) {
                f = f.toBuilder().setDescription(description).build();
            }
            byte[] bytes = f.toByteArray();
            ModelFiles.load(bytes); // refuse to write what the codec would not load
            AtomicFiles.write(Path.of(args[1]), bytes);
            System.err.printf("wrote %s: model %s, %d levels, %d bytes%n", args[1], f.getId(), f.getQualitiesCount(),
                    bytes.length);
        } catch (AeicException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String option(java.util.List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0 || i + 1 >= args.size()) {
            return null;
        }
        String v = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return v;
    }
}
