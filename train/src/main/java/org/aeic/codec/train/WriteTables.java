package org.aeic.codec.train;

import java.nio.file.Files;
import java.nio.file.Path;
import org.aeic.codec.AeicException;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.model.ModelFiles;
import org.aeic.proto.ModelFile;

/**
 * Makes a codec model of a "mean-scale-gdn" file that holds only tensors (what {@code pytorch/train_hyper.py}
 * writes): the integer tables are computed here, the Java side being their reference.
 *
 * <pre>java -cp cli/target/aeic.jar org.aeic.codec.train.WriteTables trained.aeicm model.aeicm ["description"]</pre>
 */
public final class WriteTables {
    private WriteTables() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: WriteTables IN.aeicm OUT.aeicm [DESCRIPTION]");
            System.exit(2);
        }
        try {
            ModelFile f = ModelFiles.withTables(ModelFiles.parse(Files.readAllBytes(Path.of(args[0]))));
            if (args.length == 3) {
                f = f.toBuilder().setDescription(args[2]).build();
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
}
