package org.aeic.codec.tensor;

/** Small dense helpers used around the GEMMs. */
public final class Ops {
    private Ops() {
    }

    /** Returns the transpose of a row-major {@code rows x cols} matrix. */
    public static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    /** Fills each row r of a {@code rows x n} block with {@code v[r]}. */
    public static void fillRows(float[] dst, int off, int ld, int rows, int n, float[] v) {
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(dst, off + r * ld, off + r * ld + n, v[r]);
        }
    }

    /** Adds the sum of each row of a {@code rows x n} matrix to {@code acc[r]}, in order. */
    public static void addRowSums(float[] m, int rows, int n, float[] acc) {
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0, o = r * n; j < n; j++) {
                s += m[o + j];
            }
            acc[r] += (float) s;
        }
    }
}
