package org.aeic.codec.model;

import static org.aeic.codec.model.StoredTables.tag;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.aeic.codec.AeicException;
import org.aeic.codec.AeicException.Kind;
import org.aeic.codec.entropy.SymbolTable;
import org.aeic.codec.prior.LogisticMixturePrior;
import org.aeic.codec.nn.Param;
import org.aeic.proto.Architecture;
import org.aeic.proto.ChannelTable;
import org.aeic.proto.ScaleTables;
import org.aeic.proto.ModelFile;
import org.aeic.proto.NamedTensor;
import org.aeic.proto.Provenance;
import org.aeic.proto.QualityLevel;

/** Reads and writes model files (protobuf {@link ModelFile}). */
public final class ModelFiles {
    /** Model files are small (a few MB); anything bigger is refused before parsing. */
    public static final int MAX_MODEL_BYTES = 256 << 20;
    public static final int PRECISION_BITS = 16;
    /** The prior's tables span at most half of what a reader accepts. */
    private static final int TABLE_SYMBOLS = SymbolTable.MAX_SYMBOLS / 2;

    private ModelFiles() {
    }

    /**
     * A level as stored, for a single-rate model or a test: quality number, its λ, its gain vector (null = all
     * ones) and the integer tables of the model's own prior.
     */
    public static QualityLevel qualityLevel(FactorizedModel net, float quality, float lambda, float[] gain) {
        return qualityLevel(net, quality, lambda, gain, net.prior);
    }

    /** A trained level as stored: its gains and the integer tables of its prior. */
    static QualityLevel qualityLevel(FactorizedModel net, RateLevel l) {
        return qualityLevel(net, l.quality, (float) l.lambda, l.gains(), l.prior);
    }

    private static QualityLevel qualityLevel(FactorizedModel net, float quality, float lambda, float[] gain,
                                             LogisticMixturePrior prior) {
        QualityLevel.Builder q = QualityLevel.newBuilder().setQuality(quality).setLambda(lambda);
        for (int c = 0; c < net.m; c++) {
            q.addGain(gain == null ? 1f : gain[c]);
            q.addTables(channelTable(prior, c));
        }
        return q.build();
    }

    /** Builds a model file: weights as they are, the levels as given, the extra tensors (an optimizer's state). */
    public static ModelFile toProto(FactorizedModel net, String id, String description, List<QualityLevel> levels,
                                    Provenance provenance, Map<String, float[]> extraTensors) {
        ModelFile.Builder b = ModelFile.newBuilder()
                .setId(id)
                .setDescription(description)
                .setArchitecture(Architecture.newBuilder().setKind(FactorizedModel.KIND).setChannelsN(net.n)
                        .setChannelsM(net.m).setKernel(FactorizedModel.KERNEL).setLayers(FactorizedModel.LAYERS))
                .setProvenance(provenance);
        for (Param p : net.params()) {
            b.addTensors(tensor(p.name, p.shape, p.data));
        }
        extraTensors.forEach((name, data) -> b.addTensors(tensor(name, new int[] {data.length}, data)));
        return b.addAllQualities(levels).build();
    }

    /**
     * A factorized model file of trained levels: each level's integer tables, and its parameters as tensors so that
     * training resumes and qualities in between can be coded.
     */
    public static ModelFile toProtoTrained(FactorizedModel net, List<RateLevel> levels, String id, String description,
                                           Provenance provenance, Map<String, float[]> extraTensors) {
        Map<String, float[]> tensors = new java.util.LinkedHashMap<>();
        List<QualityLevel> stored = new ArrayList<>();
        for (RateLevel l : levels) {
            stored.add(qualityLevel(net, l));
            for (Param p : l.params()) {
                tensors.put(p.name, p.data);
            }
        }
        tensors.putAll(extraTensors);
        return toProto(net, id, description, stored, provenance, tensors);
    }

    /** The integer table of channel c of a prior, for symbols round(y·gain − center). */
    static ChannelTable channelTable(LogisticMixturePrior prior, int c) {
        int[] t = prior.table(c, PRECISION_BITS, TABLE_SYMBOLS);
        ChannelTable.Builder ct = ChannelTable.newBuilder().setCenter(prior.center(c))
                .setMinSymbol(t[0]).setPrecisionBits(PRECISION_BITS);
        for (int i = 1; i < t.length; i++) {
            ct.addFreq(t[i]);
        }
        return ct.build();
    }

    /** The coder's table of a stored channel table, validated (the centre here, the frequencies in the coder). */
    static SymbolTable symbolTable(ChannelTable t) throws AeicException {
        return StoredTables.Table.of(t).symbolTable();
    }

    private static NamedTensor tensor(String name, int[] shape, float[] data) {
        NamedTensor.Builder t = NamedTensor.newBuilder().setName(name);
        for (int s : shape) {
            t.addShape(s);
        }
        for (float v : data) {
            t.addData(v);
        }
        return t.build();
    }

    /** Parses a model file from a length-capped buffer. */
    public static ModelFile parse(byte[] bytes) throws AeicException {
        if (bytes.length > MAX_MODEL_BYTES) {
            throw new AeicException(Kind.TOO_LARGE, "model file too large: " + bytes.length + " bytes");
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(MAX_MODEL_BYTES);
            return ModelFile.parseFrom(in);
        } catch (IOException e) {
            // protobuf's own message is a paragraph; the user needs one line
            throw new AeicException("not a model file, or a truncated one", e);
        }
    }

    /** Tensor values by name, for a model's parameters. */
    interface TensorSource {
        /** The number of values of the named tensor, or -1 if there is none of that name. */
        int size(String name);

        /** The named tensor's values into {@code dst}, which has {@link #size} elements. */
        void copyTo(String name, float[] dst);

        /** The named tensor's values, or null. */
        default float[] get(String name) {
            int n = size(name);
            if (n < 0) {
                return null;
            }
            float[] v = new float[n];
            copyTo(name, v);
            return v;
        }

        /** Values that {@code tensors} makes as arrays (each looked up once: the size, then the copy). */
        static TensorSource of(Function<String, float[]> tensors) {
            return new TensorSource() {
                private String last;
                private float[] values;

                private float[] lookUp(String name) {
                    if (!name.equals(last)) {
                        values = tensors.apply(name);
                        last = name;
                    }
                    return values;
                }

                @Override
                public int size(String name) {
                    float[] v = lookUp(name);
                    return v == null ? -1 : v.length;
                }

                @Override
                public void copyTo(String name, float[] dst) {
                    float[] v = lookUp(name);
                    System.arraycopy(v, 0, dst, 0, v.length);
                }
            };
        }
    }

    /**
     * A tensor's values where they lie in a model file's bytes: runs of little-endian floats (one run when they are
     * packed, as the trainers write them), copied out only into the array that keeps them (a parameter's).
     */
    record TensorData(byte[] bytes, int[] at, int[] count, int size) {
        void copyTo(float[] dst) {
            int o = 0;
            for (int i = 0; i < at.length; i++) {
                ByteBuffer.wrap(bytes, at[i], count[i] * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                        .get(dst, o, count[i]);
                o += count[i];
            }
        }
    }

    /**
     * A model file's fields but its tensors and entropy tables; where the tensors' values lie by name (the first of a
     * name counts); the tables of each level, and the scale tables.
     */
    record Parsed(ModelFile header, Map<String, TensorData> data, List<StoredTables.Level> levels,
                  List<StoredTables.Table> scaleTables) implements TensorSource {
        @Override
        public int size(String name) {
            TensorData d = data.get(name);
            return d == null ? -1 : d.size();
        }

        @Override
        public void copyTo(String name, float[] dst) {
            data.get(name).copyTo(dst);
        }

        /** Every tensor's values by name. */
        Map<String, float[]> tensors() {
            Map<String, float[]> all = new HashMap<>();
            data.keySet().forEach(name -> all.put(name, get(name)));
            return all;
        }
    }

    private static final int TENSORS_TAG = tag(ModelFile.TENSORS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int LEVEL_TAG = tag(ModelFile.QUALITIES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SCALE_TABLES_TAG = tag(ModelFile.SCALE_TABLES_FIELD_NUMBER,
            WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int NAME_TAG = tag(NamedTensor.NAME_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int PACKED_DATA_TAG = tag(NamedTensor.DATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int DATA_TAG = tag(NamedTensor.DATA_FIELD_NUMBER, WireFormat.WIRETYPE_FIXED32);

    /**
     * As {@link #parse}, but each tensor's packed floats are copied in bulk from the file's bytes into a float[].
     * Protobuf adds them one call per value to a list, which was then copied value by value: 0.4 s of a one-shot
     * command's start for a 17 MB model, before the JIT compiles those loops. The entropy tables are read by
     * {@link StoredTables}, and left out of the header. Accepts what {@link #parse} accepts (packed or unpacked
     * values, fields in any order, unknown fields); refuses the rest with the same error.
     */
    static Parsed parseForCoding(byte[] bytes) throws AeicException {
        if (bytes.length > MAX_MODEL_BYTES) {
            throw new AeicException(Kind.TOO_LARGE, "model file too large: " + bytes.length + " bytes");
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(MAX_MODEL_BYTES);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(rest);
            Map<String, TensorData> tensors = new HashMap<>();
            List<StoredTables.Level> levels = new ArrayList<>();
            List<StoredTables.Table> scaleTables = new ArrayList<>();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == TENSORS_TAG || tag == LEVEL_TAG || tag == SCALE_TABLES_TAG) {
                    int len = StoredTables.length(in, bytes.length);
                    int at = in.getTotalBytesRead();
                    if (tag == TENSORS_TAG) {
                        readTensor(bytes, at, len, tensors);
                    } else if (tag == LEVEL_TAG) {
                        StoredTables.Level level = new StoredTables.Level();
                        levels.add(level);
                        out.writeByteArray(ModelFile.QUALITIES_FIELD_NUMBER,
                                StoredTables.splitLevel(bytes, at, len, level));
                    } else {
                        out.writeByteArray(ModelFile.SCALE_TABLES_FIELD_NUMBER,
                                StoredTables.splitScaleTables(bytes, at, len, scaleTables));
                    }
                    in.skipRawBytes(len);
                } else if (!in.skipField(tag, out)) {
                    throw new InvalidProtocolBufferException("unexpected end-group tag");
                }
            }
            out.flush();
            return new Parsed(ModelFile.parseFrom(rest.toByteArray()), tensors, levels, scaleTables);
        } catch (IOException e) {
            throw new AeicException("not a model file, or a truncated one", e);
        }
    }

    private static void readTensor(byte[] bytes, int at, int len, Map<String, TensorData> tensors) throws IOException {
        CodedInputStream t = CodedInputStream.newInstance(bytes, at, len);
        String name = "";
        int[] runAt = new int[1];
        int[] runCount = new int[1];
        int runs = 0;
        int size = 0;
        for (int tag = t.readTag(); tag != 0; tag = t.readTag()) {
            int from;
            int n;
            if (tag == NAME_TAG) {
                name = t.readStringRequireUtf8();
                continue;
            } else if (tag == PACKED_DATA_TAG) {
                int bytesLen = StoredTables.length(t, len);
                from = t.getTotalBytesRead();
                if (bytesLen % 4 != 0) {
                    throw new InvalidProtocolBufferException("bad packed floats");
                }
                n = bytesLen / 4;
                t.skipRawBytes(bytesLen);
            } else if (tag == DATA_TAG) {
                from = t.getTotalBytesRead();
                t.readFloat();
                n = 1;
            } else {
                if (!t.skipField(tag)) {
                    throw new InvalidProtocolBufferException("unexpected end-group tag");
                }
                continue;
            }
            if (runs == runAt.length) {
                runAt = Arrays.copyOf(runAt, runs * 2);
                runCount = Arrays.copyOf(runCount, runs * 2);
            }
            runAt[runs] = at + from;
            runCount[runs++] = n;
            size += n;
        }
        tensors.putIfAbsent(name, new TensorData(bytes, Arrays.copyOf(runAt, runs), Arrays.copyOf(runCount, runs), size));
    }

    /**
     * All of {@code in}, at most {@link #MAX_MODEL_BYTES}: read 64 KiB at a time into an array sized from
     * {@code available()} (a jar entry's size). A bundled model (17 MB) comes out of the jar in 0.02 s this way,
     * against 0.12 s with {@code readNBytes}, whose chunks are gathered and copied, or with one 17 MB read, for
     * which the JDK mallocs a 17 MB native buffer and faults its pages in.
     */
    public static byte[] readCapped(InputStream in) throws IOException, AeicException {
        return readCapped(in, MAX_MODEL_BYTES);
    }

    static byte[] readCapped(InputStream in, int max) throws IOException, AeicException {
        byte[] bytes = new byte[Math.min(Math.max(in.available(), 1 << 16), max)];
        int n = 0;
        while (true) {
            if (n == bytes.length) { // full: the end, or a larger array
                int next = in.read();
                if (next < 0) {
                    return bytes;
                }
                if (n >= max) {
                    throw new AeicException(Kind.TOO_LARGE, "model file too large");
                }
                bytes = Arrays.copyOf(bytes, (int) Math.min(2L * n, max));
                bytes[n++] = (byte) next;
            }
            int r = in.read(bytes, n, Math.min(bytes.length - n, 1 << 16));
            if (r < 0) {
                return Arrays.copyOf(bytes, n);
            }
            n += r;
        }
    }

    /** Loads a model for coding; every tensor shape and table is validated. */
    public static CodecModel load(byte[] bytes) throws AeicException {
        return load(bytes, null);
    }

    /** As {@link #load(byte[])}, with the file's SHA-256 when it is known already (null: computed here). */
    public static CodecModel load(byte[] bytes, byte[] knownSha256) throws AeicException {
        byte[] sha = knownSha256 != null ? knownSha256.clone() : sha256(bytes);
        Parsed parsed = parseForCoding(bytes);
        ModelFile f = parsed.header();
        TensorSource tensors = parsed;
        FactorizedModel net = restore(f, tensors);
        if (HyperpriorModel.KIND.equals(f.getArchitecture().getKind())) {
            return loadHyper(parsed, sha, net);
        }
        boolean checkerboard = CheckerboardModel.isKind(f.getArchitecture().getKind());
        List<CodecModel.Level> levels = new ArrayList<>();
        for (int i = 0; i < f.getQualitiesCount(); i++) {
            QualityLevel q = f.getQualities(i);
            List<StoredTables.Table> stored = parsed.levels().get(i).tables();
            if (stored.size() != net.m || q.getGainCount() != net.m) {
                throw new AeicException("model " + f.getId() + ": quality " + q.getQuality() + " has "
                        + stored.size() + " tables for " + net.m + " channels");
            }
            float[] gain = new float[net.m];
            float[] center = new float[net.m];
            SymbolTable[] tables = new SymbolTable[net.m];
            for (int c = 0; c < net.m; c++) {
                gain[c] = q.getGain(c);
                if (!(gain[c] > 0) || Float.isInfinite(gain[c])) {
                    throw new AeicException("model " + f.getId() + ": bad gain");
                }
                center[c] = stored.get(c).center();
                tables[c] = stored.get(c).symbolTable();
            }
            levels.add(new CodecModel.Level(q.getQuality(), q.getLambda(), gain, center, tables));
        }
        if (levels.isEmpty()) {
            throw new AeicException("model " + f.getId() + " has no quality levels");
        }
        LatentCodec codec = new FactorizedLatentCodec(net.m);
        if (checkerboard) {
            CheckerboardModel context = new CheckerboardModel(f.getArchitecture().getChannelsN(), net.m,
                    CheckerboardModel.KIND_THREE_PASS.equals(f.getArchitecture().getKind()));
            readParams(f, tensors, context.params());
            float[] scales = scales(f, parsed.scaleTables());
            codec = new CheckerboardLatentCodec(context, scales, scaleTables(parsed.scaleTables()));
        }
        return new CodecModel(f.getId(), sha, net, null, codec, levels, f,
                RateLevel.restore(f, net.m, tensors::get));
    }

    /** The scale table of a model file, validated: positive, finite, increasing, one table each. */
    private static float[] scales(ModelFile f, List<StoredTables.Table> tables) throws AeicException {
        ScaleTables g = f.getScaleTables();
        int count = g.getScalesCount();
        if (count < 1 || count > 1024 || tables.size() != count) {
            throw new AeicException("model " + f.getId() + ": " + count + " scales with " + tables.size() + " tables");
        }
        float[] scales = new float[count];
        for (int i = 0; i < count; i++) {
            scales[i] = positive(f, g.getScales(i));
            if (i > 0 && !(scales[i] > scales[i - 1])) {
                throw new AeicException("model " + f.getId() + ": scales do not increase");
            }
        }
        return scales;
    }

    private static SymbolTable[] scaleTables(List<StoredTables.Table> stored) throws AeicException {
        SymbolTable[] tables = new SymbolTable[stored.size()];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = stored.get(i).symbolTable();
        }
        return tables;
    }

    private static CodecModel loadHyper(Parsed parsed, byte[] sha, FactorizedModel net) throws AeicException {
        ModelFile f = parsed.header();
        TensorSource tensors = parsed;
        HyperpriorModel hyper = restoreHyper(f, tensors);
        List<CodecModel.Level> levels = new ArrayList<>();
        for (int i = 0; i < f.getQualitiesCount(); i++) {
            QualityLevel q = f.getQualities(i);
            List<StoredTables.Table> stored = parsed.levels().get(i).zTables();
            if (q.getGainCount() != net.m || q.getZGainCount() != hyper.n || stored.size() != hyper.n) {
                throw new AeicException("model " + f.getId() + ": quality " + q.getQuality() + " has "
                        + stored.size() + " hyper-latent tables for " + hyper.n + " channels");
            }
            float[] gain = new float[net.m];
            for (int c = 0; c < net.m; c++) {
                gain[c] = positive(f, q.getGain(c));
            }
            float[] zGain = new float[hyper.n];
            float[] zCenter = new float[hyper.n];
            SymbolTable[] zTables = new SymbolTable[hyper.n];
            for (int c = 0; c < hyper.n; c++) {
                zGain[c] = positive(f, q.getZGain(c));
                zCenter[c] = stored.get(c).center();
                zTables[c] = stored.get(c).symbolTable();
            }
            levels.add(new CodecModel.Level(q.getQuality(), q.getLambda(), gain, null, null, zGain, zCenter, zTables));
        }
        if (levels.isEmpty()) {
            throw new AeicException("model " + f.getId() + " has no quality levels");
        }
        float[] scales = scales(f, parsed.scaleTables());
        return new CodecModel(f.getId(), sha, net, hyper,
                new MeanScaleLatentCodec(hyper, scales, scaleTables(parsed.scaleTables())),
                levels, f, RateLevel.restoreHyper(f, net.m, hyper.n, tensors::get));
    }

    private static float positive(ModelFile f, float v) throws AeicException {
        if (!(v > 0) || Float.isInfinite(v)) {
            throw new AeicException("model " + f.getId() + ": bad gain or scale " + v);
        }
        return v;
    }

    /** The hyperprior of a "mean-scale-gdn" model file (N hidden channels, as its transforms). */
    public static HyperpriorModel restoreHyper(ModelFile f) throws AeicException {
        return restoreHyper(f, TensorSource.of(name -> extraTensor(f, name)));
    }

    private static HyperpriorModel restoreHyper(ModelFile f, TensorSource tensors) throws AeicException {
        HyperpriorModel hyper = new HyperpriorModel(f.getArchitecture().getChannelsN(),
                f.getArchitecture().getChannelsM());
        readParams(f, tensors, hyper.params());
        return hyper;
    }

    /**
     * A "mean-scale-gdn" model file of these transforms, hyperprior and levels (each with its z gain and z prior),
     * integer tables included.
     */
    public static ModelFile toProto(FactorizedModel net, HyperpriorModel hyper, List<RateLevel> levels, String id,
                                    String description, Provenance provenance) throws AeicException {
        ModelFile.Builder b = toProto(net, id, description, List.of(), provenance, Map.of()).toBuilder();
        for (Param p : hyper.params()) {
            b.addTensors(tensor(p.name, p.shape, p.data));
        }
        for (RateLevel l : levels) {
            for (Param p : l.params()) {
                b.addTensors(tensor(p.name, p.shape, p.data));
            }
            b.addQualities(QualityLevel.newBuilder().setQuality(l.quality).setLambda((float) l.lambda));
        }
        b.setArchitecture(b.getArchitecture().toBuilder().setKind(HyperpriorModel.KIND));
        return withTables(b.build());
    }

    /**
     * A complete "mean-scale-gdn" model file from one that holds only tensors (as the PyTorch trainer writes
     * them): per level the gains and the hyper-latent's integer tables, and the Laplace tables of the scale
     * table (the family pytorch/aeic_torch/hyper.py trains with). The Java side is the reference for every integer table.
     */
    public static ModelFile withTables(ModelFile f) throws AeicException {
        return withTables(f, org.aeic.codec.prior.ScaleTables.defaultScales());
    }

    /** As {@link #withTables(ModelFile)}, with this scale table (the one the model was trained with). */
    public static ModelFile withTables(ModelFile f, float[] scales) throws AeicException {
        if (CheckerboardModel.isKind(f.getArchitecture().getKind())) {
            FactorizedModel net = restore(f);
            ModelFile.Builder b = f.toBuilder().clearQualities();
            for (RateLevel l : RateLevel.restore(f, net.m)) {
                b.addQualities(qualityLevel(net, l));
            }
            return b.setScaleTables(scaleTables(scales)).build();
        }
        if (!HyperpriorModel.KIND.equals(f.getArchitecture().getKind())) {
            throw new AeicException("model " + f.getId() + " is neither a " + HyperpriorModel.KIND + ", a "
                    + CheckerboardModel.KIND + " nor a " + CheckerboardModel.KIND_THREE_PASS + " model");
        }
        FactorizedModel net = restore(f);
        HyperpriorModel hyper = restoreHyper(f);
        List<RateLevel> trained = RateLevel.restoreHyper(f, net.m, hyper.n);
        ModelFile.Builder b = f.toBuilder().clearQualities();
        for (RateLevel l : trained) {
            QualityLevel.Builder q = QualityLevel.newBuilder().setQuality(l.quality).setLambda((float) l.lambda);
            for (float g : l.gains()) {
                q.addGain(g);
            }
            for (float g : l.zGains()) {
                q.addZGain(g);
            }
            for (int c = 0; c < hyper.n; c++) {
                q.addZTables(channelTable(l.zPrior, c));
            }
            b.addQualities(q);
        }
        return b.setScaleTables(scaleTables(scales)).build();
    }

    /** The Laplace tables of a scale table (the family the PyTorch trainers use). */
    private static ScaleTables scaleTables(float[] scales) {
        org.aeic.codec.prior.ScaleTables.Family family = org.aeic.codec.prior.ScaleTables.Family.LAPLACE;
        ScaleTables.Builder g = ScaleTables.newBuilder().setFamily(family.name().toLowerCase(java.util.Locale.ROOT));
        for (float s : scales) {
            int[] t = org.aeic.codec.prior.ScaleTables.table(family, s, PRECISION_BITS, TABLE_SYMBOLS);
            ChannelTable.Builder ct = ChannelTable.newBuilder().setMinSymbol(t[0]).setPrecisionBits(PRECISION_BITS);
            for (int i = 1; i < t.length; i++) {
                ct.addFreq(t[i]);
            }
            g.addScales(s).addTables(ct);
        }
        return g.build();
    }

    /**
     * A "checkerboard-gdn" (or "checkerboard3-gdn") model file of these transforms, context model and levels,
     * integer tables included.
     */
    public static ModelFile toProto(FactorizedModel net, CheckerboardModel context, List<RateLevel> levels, String id,
                                    String description, Provenance provenance) throws AeicException {
        ModelFile.Builder b = toProtoTrained(net, levels, id, description, provenance, Map.of()).toBuilder();
        for (Param p : context.params()) {
            b.addTensors(tensor(p.name, p.shape, p.data));
        }
        b.setArchitecture(b.getArchitecture().toBuilder().setKind(context.kind()));
        return b.setScaleTables(scaleTables(org.aeic.codec.prior.ScaleTables.defaultScales())).build();
    }

    /** The transforms and prior of a model file (also used to resume training). */
    public static FactorizedModel restore(ModelFile f) throws AeicException {
        return restore(f, TensorSource.of(name -> extraTensor(f, name)));
    }

    private static FactorizedModel restore(ModelFile f, TensorSource tensors) throws AeicException {
        Architecture a = f.getArchitecture();
        if (!(FactorizedModel.KIND.equals(a.getKind()) || HyperpriorModel.KIND.equals(a.getKind())
                || CheckerboardModel.isKind(a.getKind())) || a.getKernel() != FactorizedModel.KERNEL
                || a.getLayers() != FactorizedModel.LAYERS || a.getChannelsN() < 1 || a.getChannelsN() > 1024
                || a.getChannelsM() < 1 || a.getChannelsM() > 1024) {
            throw new AeicException(Kind.UNSUPPORTED,
                    "model " + f.getId() + ": unsupported architecture " + a.getKind());
        }
        FactorizedModel net = new FactorizedModel(a.getChannelsN(), a.getChannelsM());
        readParams(f, tensors, net.params());
        return net;
    }

    private static void readParams(ModelFile f, TensorSource tensors, List<Param> params) throws AeicException {
        for (Param p : params) {
            int n = tensors.size(p.name);
            if (n < 0) {
                throw new AeicException("model " + f.getId() + ": missing tensor " + p.name);
            }
            if (n != p.size()) {
                throw new AeicException("model " + f.getId() + ": tensor " + p.name + " has " + n
                        + " values, expected " + p.size());
            }
            tensors.copyTo(p.name, p.data);
        }
    }

    /** A tensor stored beside the weights (optimizer state in checkpoints), or null. */
    public static float[] extraTensor(ModelFile f, String name) {
        for (NamedTensor t : f.getTensorsList()) {
            if (t.getName().equals(name)) {
                float[] v = new float[t.getDataCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = t.getData(i);
                }
                return v;
            }
        }
        return null;
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
