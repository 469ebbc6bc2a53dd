package org.aeic.codec.model;

import java.util.List;
import java.util.Random;
import org.aeic.codec.nn.Conv2d;
import org.aeic.codec.nn.Init;
import org.aeic.codec.nn.Param;
import org.aeic.codec.nn.Relu;
import org.aeic.codec.nn.Sequential;
import org.aeic.codec.tensor.Tensor;

/**
 * The checkerboard context model (He et al. 2021, without a hyperprior) beside the factorized model's transforms
 * ("checkerboard-gdn"):
 *
 * <pre>
 *   y (M x h x w); anchors: positions with row + column even
 *   anchors:  round(y·gain − center) under the level's factorized tables, as the factorized prior codes them
 *   ŷ of the anchors, 0 elsewhere
 *   |  c_x: conv5x5/1 (M→N) ReLU  conv1x1 (N→2M)
 *   v
 *   μ, σ (unscaled) -- the other positions: table of |σ|·gain[q] (ScaleTables, Laplace), round(y·gain − μ·gain)
 * </pre>
 *
 * Each non-anchor position sees the anchors around it in all channels, so the magnitudes that cluster in space
 * (edges, texture) are predicted from what the decoder already has, at no cost in side information. The floats
 * between the anchors and the table indices are bit-identical on every JVM, as for {@link HyperpriorModel}.
 */
public final class CheckerboardModel {
    public static final String KIND = "checkerboard-gdn";

    public final int n;
    public final int m;
    public final Sequential context;
    private final List<Param> params;

    public CheckerboardModel(int n, int m) {
        this.n = n;
        this.m = m;
        context = new Sequential(List.of(new Conv2d("c_x.0", m, n, 5, 1), new Relu(), new Conv2d("c_x.1", n, 2 * m, 1, 1)));
        params = List.copyOf(context.params());
    }

    public List<Param> params() {
        return params;
    }

    public long parameterCount() {
        return Init.count(params);
    }

    /** μ (channels 0..M-1) and the raw σ (channels M..2M-1) of every position, from the anchors' ŷ (0 elsewhere). */
    public Tensor predict(Tensor anchors) {
        return context.forward(anchors, null);
    }

    /** PyTorch's default initialisation (uniform in ±1/sqrt(fan_in)), for tests. */
    public void initRandom(long seed) {
        Random rnd = new Random(seed);
        Init.pytorchDefault(context.layers(), rnd);
    }
}
