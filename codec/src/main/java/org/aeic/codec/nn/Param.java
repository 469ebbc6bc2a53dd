package org.aeic.codec.nn;

import java.util.Arrays;

/** A named trainable array; {@code index} is its slot in a {@link Grads}. */
public final class Param {
    public final String name;
    public final int[] shape;
    public final float[] data;
    int index = -1;

    public Param(String name, int... shape) {
        this.name = name;
        this.shape = shape.clone();
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        this.data = new float[Math.toIntExact(n)];
    }

    public int size() {
        return data.length;
    }

    public int index() {
        return index;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
