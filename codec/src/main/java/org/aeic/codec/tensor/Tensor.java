package org.aeic.codec.tensor;

/** A channels x height x width float map, channel-major, the unit every layer consumes and produces. */
public final class Tensor {
    public final int c;
    public final int h;
    public final int w;
    public final float[] data;

    public Tensor(int c, int h, int w) {
        this(c, h, w, new float[checkedSize(c, h, w)]);
    }

    public Tensor(int c, int h, int w, float[] data) {
        if (data.length != checkedSize(c, h, w)) {
            throw new IllegalArgumentException("data length " + data.length + " != " + c + "x" + h + "x" + w);
        }
        this.c = c;
        this.h = h;
        this.w = w;
        this.data = data;
    }

    private static int checkedSize(int c, int h, int w) {
        long n = (long) c * h * w;
        if (c < 1 || h < 1 || w < 1 || n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("bad tensor shape " + c + "x" + h + "x" + w);
        }
        return (int) n;
    }

    /** Pixels per channel. */
    public int plane() {
        return h * w;
    }
}
