package org.aeic.codec.train;

import java.util.List;
import org.aeic.codec.nn.Grads;
import org.aeic.codec.nn.Param;

/** Adam (Kingma & Ba) with bias correction, over a model's parameter list. */
final class Adam {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    final float[][] m;
    final float[][] v;
    long t;

    Adam(List<Param> params) {
        m = new float[params.size()][];
        v = new float[params.size()][];
        for (Param p : params) {
            m[p.index()] = new float[p.size()];
            v[p.index()] = new float[p.size()];
        }
    }

    void step(List<Param> params, Grads g, double lr) {
        step(params, g, p -> lr);
    }

    /** One step with a learning rate per parameter tensor. */
    void step(List<Param> params, Grads g, java.util.function.ToDoubleFunction<Param> lrOf) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        for (Param p : params) {
            float[] grad = g.of(p);
            float[] mi = m[p.index()];
            float[] vi = v[p.index()];
            double lr = lrOf.applyAsDouble(p);
            for (int i = 0; i < grad.length; i++) {
                mi[i] = (float) (BETA1 * mi[i] + (1 - BETA1) * grad[i]);
                vi[i] = (float) (BETA2 * vi[i] + (1 - BETA2) * grad[i] * grad[i]);
                p.data[i] -= (float) (lr * (mi[i] / c1) / (Math.sqrt(vi[i] / c2) + EPS));
            }
        }
    }
}
