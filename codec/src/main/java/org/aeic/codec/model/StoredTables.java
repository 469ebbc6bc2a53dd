package org.aeic.codec.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.aeic.codec.AeicException;
import org.aeic.codec.entropy.SymbolTable;
import org.aeic.proto.ChannelTable;
import org.aeic.proto.QualityLevel;
import org.aeic.proto.ScaleTables;

/**
 * A model file's entropy tables (each level's {@code tables} and {@code z_tables}, the scale tables' {@code tables}),
 * read for coding straight from the file's bytes, and the messages that held them, without them, for protobuf.
 * Protobuf's generated parser made a builder per table (the default model has 1,608, with 67,817 frequencies) and
 * had C2 compile its loop (64 ms) in every one-shot command, for a loop that never ran again: in a JVM without a
 * class-data archive the default model now loads in 210 ms, not 228 (median of 6 alternating runs). Reads what
 * protobuf reads (fields in any order, packed or unpacked frequencies, unknown fields skipped) and refuses what it
 * refuses.
 */
final class StoredTables {
    private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int VARINT = WireFormat.WIRETYPE_VARINT;
    private static final int CENTER_TAG = tag(ChannelTable.CENTER_FIELD_NUMBER, WireFormat.WIRETYPE_FIXED32);
    private static final int MIN_SYMBOL_TAG = tag(ChannelTable.MIN_SYMBOL_FIELD_NUMBER, VARINT);
    private static final int PACKED_FREQ_TAG = tag(ChannelTable.FREQ_FIELD_NUMBER, LEN);
    private static final int FREQ_TAG = tag(ChannelTable.FREQ_FIELD_NUMBER, VARINT);
    private static final int PRECISION_TAG = tag(ChannelTable.PRECISION_BITS_FIELD_NUMBER, VARINT);
    private static final int LEVEL_TABLES_TAG = tag(QualityLevel.TABLES_FIELD_NUMBER, LEN);
    private static final int LEVEL_Z_TABLES_TAG = tag(QualityLevel.Z_TABLES_FIELD_NUMBER, LEN);
    private static final int SCALE_TABLES_TAG = tag(ScaleTables.TABLES_FIELD_NUMBER, LEN);

    private StoredTables() {
    }

    /** A {@code ChannelTable} as the coder needs it (the prior's parameters it was made from are not read). */
    record Table(float center, int minSymbol, int precisionBits, int[] freq) {
        static Table of(ChannelTable t) {
            return new Table(t.getCenter(), t.getMinSymbol(), t.getPrecisionBits(),
                    t.getFreqList().stream().mapToInt(Integer::intValue).toArray());
        }

        /** The coder's table, validated (the centre here, the frequencies in {@link SymbolTable#of}). */
        SymbolTable symbolTable() throws AeicException {
            if (!Float.isFinite(center)) {
                throw new AeicException("entropy table center is not finite");
            }
            return SymbolTable.of(minSymbol, precisionBits, freq);
        }
    }

    /** One {@code QualityLevel}'s tables and z_tables, in file order. */
    record Level(List<Table> tables, List<Table> zTables) {
        Level() {
            this(new ArrayList<>(), new ArrayList<>());
        }
    }

    /** The {@code QualityLevel} in {@code bytes[at, at + len)} without its tables, which go to {@code into}. */
    static byte[] splitLevel(byte[] bytes, int at, int len, Level into) throws IOException {
        return split(bytes, at, len, LEVEL_TABLES_TAG, into.tables(), LEVEL_Z_TABLES_TAG, into.zTables());
    }

    /** The {@code ScaleTables} in {@code bytes[at, at + len)} without its tables, which go to {@code into}. */
    static byte[] splitScaleTables(byte[] bytes, int at, int len, List<Table> into) throws IOException {
        return split(bytes, at, len, SCALE_TABLES_TAG, into, 0, null); // 0 is no tag
    }

    /** The fields of a message but its tables: those under {@code tag1} go to {@code into1}, {@code tag2} to 2. */
    private static byte[] split(byte[] bytes, int at, int len, int tag1, List<Table> into1, int tag2,
                                List<Table> into2) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes, at, len);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(rest);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            List<Table> into = tag == tag1 ? into1 : tag == tag2 ? into2 : null;
            if (into != null) {
                int n = length(in, len);
                into.add(table(bytes, at + in.getTotalBytesRead(), n));
                in.skipRawBytes(n);
            } else if (!in.skipField(tag, out)) {
                throw new InvalidProtocolBufferException("unexpected end-group tag");
            }
        }
        out.flush();
        return rest.toByteArray();
    }

    /** The {@code ChannelTable} in {@code bytes[at, at + len)}. */
    private static Table table(byte[] bytes, int at, int len) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes, at, len);
        float center = 0;
        int minSymbol = 0;
        int precision = 0;
        int[] freq = new int[0];
        int count = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == CENTER_TAG) {
                center = in.readFloat();
            } else if (tag == MIN_SYMBOL_TAG) {
                minSymbol = in.readSInt32();
            } else if (tag == PRECISION_TAG) {
                precision = in.readUInt32();
            } else if (tag == PACKED_FREQ_TAG) {
                int n = length(in, len);
                int from = at + in.getTotalBytesRead();
                if (freq.length < count + n) { // at most one value per byte
                    freq = Arrays.copyOf(freq, count + n);
                }
                count = varints(bytes, from, from + n, freq, count);
                in.skipRawBytes(n);
            } else if (tag == FREQ_TAG) {
                if (freq.length == count) {
                    freq = Arrays.copyOf(freq, Math.max(8, 2 * count));
                }
                freq[count++] = in.readUInt32();
            } else if (!in.skipField(tag)) {
                throw new InvalidProtocolBufferException("unexpected end-group tag");
            }
        }
        return new Table(center, minSymbol, precision, Arrays.copyOf(freq, count));
    }

    /**
     * The uint32 varints of {@code bytes[from, to)} appended to {@code dst} at {@code count}; returns the new count.
     * As protobuf reads them: up to 10 bytes each, the bits above 32 dropped; one cut off by {@code to} is an error.
     */
    static int varints(byte[] bytes, int from, int to, int[] dst, int count) throws InvalidProtocolBufferException {
        int i = from;
        while (i < to) {
            int v = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift == 70) {
                    throw new InvalidProtocolBufferException("malformed varint");
                }
                if (i == to) {
                    throw new InvalidProtocolBufferException("truncated table");
                }
                int b = bytes[i++];
                if (shift < 32) {
                    v |= (b & 0x7f) << shift;
                }
                if (b >= 0) {
                    break;
                }
            }
            dst[count++] = v;
        }
        return count;
    }

    /** A field's tag on the wire: its number and wire type (protobuf's own helper is package-private). */
    static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    /**
     * The length of the length-delimited field whose tag {@code in} has just read, checked against what is left of the
     * {@code size} bytes {@code in} reads (a bad length is an error, not an exception of another kind later).
     */
    static int length(CodedInputStream in, int size) throws IOException {
        int n = in.readRawVarint32();
        if (n < 0 || n > size - in.getTotalBytesRead()) {
            throw new InvalidProtocolBufferException("truncated field");
        }
        return n;
    }
}
