package org.aeic.codec.nn;

import java.util.List;

/** Gradient accumulators, one array per {@link Param}, indexed by {@link Param#index()}. */
public final class Grads {
    private final float[][] g;

    /** Gives each parameter its slot; call once on a model's full parameter list. */
    public static void index(List<Param> params) {
        for (int i = 0; i < params.size(); i++) {
            params.get(i).index = i;
        }
    }

    public Grads(List<Param> params) {
        g = new float[params.size()][];
        for (Param p : params) {
            g[p.index] = new float[p.size()];
        }
    }

    public float[] of(Param p) {
        return g[p.index];
    }

    public float[] at(int index) {
        return g[index];
    }

    public int count() {
        return g.length;
    }

    public void zero() {
        for (float[] a : g) {
            java.util.Arrays.fill(a, 0f);
        }
    }

    /** this += other, element by element. */
    public void add(Grads other) {
        for (int i = 0; i < g.length; i++) {
            float[] a = g[i];
            float[] b = other.g[i];
            for (int j = 0; j < a.length; j++) {
                a[j] += b[j];
            }
        }
    }
}
