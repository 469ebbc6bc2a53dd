package org.aeic.codec.model;

import java.util.List;
import java.util.Random;
import org.aeic.codec.nn.Conv2d;
import org.aeic.codec.nn.Init;
import org.aeic.codec.nn.Layer;
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
 *
 * <p>"checkerboard3-gdn" codes the anchors themselves in two passes, so that only a quarter of y is left to the
 * factorized prior:
 * <pre>
 *   pass 1: (row even, column even) as the anchors above;  q = their ŷ on a (h+1)/2 x (w+1)/2 grid
 *   |  c_1: conv5x5/1 (M→N) ReLU  conv1x1 (N→2M) on q; its output (i, j) is for position (2i + 1, 2j + 1)
 *   pass 2: (row odd, column odd) as the others above, under c_1's μ, σ
 *   pass 3: (row + column odd) under c_x's μ, σ from the ŷ of passes 1 and 2
 * </pre>
 */
public final class CheckerboardModel {
    public static final String KIND = "checkerboard-gdn";
    /** The anchors in two passes (c_1 predicts the second from the first). */
    public static final String KIND_THREE_PASS = "checkerboard3-gdn";

    public final int n;
    public final int m;
    public final Sequential context;
    /** c_1 of a three-pass model, else null. */
    public final Sequential subgrid;
    private final List<Param> params;

    public CheckerboardModel(int n, int m) {
        this(n, m, false);
    }

    public CheckerboardModel(int n, int m, boolean threePass) {
        this.n = n;
        this.m = m;
        context = network("c_x", n, m);
        subgrid = threePass ? network("c_1", n, m) : null;
        List<Param> all = new java.util.ArrayList<>(context.params());
        if (subgrid != null) {
            all.addAll(subgrid.params());
        }
        params = List.copyOf(all);
    }

    private static Sequential network(String name, int n, int m) {
        return new Sequential(List.of(new Conv2d(name + ".0", m, n, 5, 1), new Relu(),
                new Conv2d(name + ".1", n, 2 * m, 1, 1)));
    }

    public boolean threePass() {
        return subgrid != null;
    }

    public String kind() {
        return threePass() ? KIND_THREE_PASS : KIND;
    }

    /** Whether a model file's kind is one of these. */
    public static boolean isKind(String kind) {
        return KIND.equals(kind) || KIND_THREE_PASS.equals(kind);
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

    /**
     * {@link #predict}'s μ and raw σ at the positions with row + column odd only ({@code 2M x 1 x count}, row-major),
     * from the anchors' ŷ with 0 at those positions, for a quarter of the arithmetic
     * ({@link Conv2d#forwardAtOddPositions}). The same bits: a zero that the first convolution gives with the other
     * sign is +0 after the ReLU either way.
     */
    public Tensor predictOthers(Tensor anchors) {
        List<Layer> layers = context.layers();
        Tensor hidden = ((Conv2d) layers.get(0)).forwardAtOddPositions(anchors);
        return layers.get(2).forward(layers.get(1).forward(hidden, null), null);
    }

    /** μ and the raw σ of pass 2 on the half-resolution grid, from pass 1's ŷ there (three-pass models). */
    public Tensor predictPass2(Tensor pass1) {
        return subgrid.forward(pass1, null);
    }

    /** PyTorch's default initialisation (uniform in ±1/sqrt(fan_in)), for tests. */
    public void initRandom(long seed) {
        Random rnd = new Random(seed);
        Init.pytorchDefault(context.layers(), rnd);
        if (subgrid != null) {
            Init.pytorchDefault(subgrid.layers(), rnd);
        }
    }
}
