package org.aeic.codec.tensor;

/**
 * The nonzero entries of a row-major matrix, row by row (compressed sparse rows): row i's are
 * {@code [rowStart[i], rowStart[i + 1])} of {@code columns} and {@code values}, columns ascending. A GDN's gamma is
 * about 60 % exact zeros after training, and {@link Gemm#sparse} does the other 40 % of its product.
 */
public record SparseRows(int rows, int cols, int[] rowStart, int[] columns, float[] values) {

    /** The entries of {@code dense} ({@code rows x cols}, row-major) that are not ±0, in order. */
    public static SparseRows of(float[] dense, int rows, int cols) {
        int nonzero = nonzeros(dense, rows * cols);
        int[] rowStart = new int[rows + 1];
        int[] columns = new int[nonzero];
        float[] values = new float[nonzero];
        int t = 0;
        for (int i = 0; i < rows; i++) {
            rowStart[i] = t;
            for (int j = 0; j < cols; j++) {
                float v = dense[i * cols + j];
                if (v != 0f) {
                    columns[t] = j;
                    values[t++] = v;
                }
            }
        }
        rowStart[rows] = t;
        return new SparseRows(rows, cols, rowStart, columns, values);
    }

    /** How many of {@code dense[0, n)} are not zero (NaN counts), as {@link #of} keeps them. */
    public static int nonzeros(float[] dense, int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (dense[i] != 0f) {
                count++;
            }
        }
        return count;
    }
}
