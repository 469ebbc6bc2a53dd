package org.aeic.codec.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.aeic.codec.nn.Conv2d;
import org.aeic.codec.nn.Init;
import org.aeic.codec.nn.ConvTranspose2d;
import org.aeic.codec.nn.Param;
import org.aeic.codec.nn.Relu;
import org.aeic.codec.nn.Sequential;
import org.aeic.codec.tensor.Tensor;

/**
 * The mean-scale hyperprior (Minnen et al. 2018, without the serial context model) beside the factorized model's
 * transforms ("mean-scale-gdn"):
 *
 * <pre>
 *   y (M x h x w, zero-padded to a multiple of 4)
 *   |  h_a: conv3x3/1 (M→N) ReLU  conv5x5/2 (N→N) ReLU  conv5x5/2 (N→N)
 *   v
 *   z (N x h/4 x w/4) -- * zGain[q] -- round(. - zCenter) --> z symbols --> rANS under the level's z tables
 *                                                                                   |
 *   ẑ = (z symbols + zCenter) / zGain[q]  <-------------------------------------------+
 *   |  h_s: deconv5x5/2 (N→N) ReLU  deconv5x5/2 (N→N) ReLU  conv3x3/1 (N→2M), cropped to h x w
 *   v
 *   μ, σ (unscaled) -- per element: table index of |σ|·gain[q] (ScaleTables, Laplace), symbol round(y·gain − μ·gain)
 * </pre>
 *
 * Everything between the z symbols and the table indices is bit-identical on every JVM: convolutions are one
 * fused multiply-add chain per output in ascending order (vector and portable GEMM alike, any thread count),
 * ReLU is a comparison, and the index is found by comparisons alone.
 */
public final class HyperpriorModel {
    public static final String KIND = "mean-scale-gdn";
    /** Latent pixels per hyper-latent pixel along each axis. */
    public static final int STRIDE = 4;

    public final int n;
    public final int m;
    public final Sequential analysis;
    public final Sequential synthesis;
    private final List<Param> params;

    public HyperpriorModel(int n, int m) {
        this.n = n;
        this.m = m;
        analysis = new Sequential(List.of(new Conv2d("h_a.0", m, n, 3, 1), new Relu(),
                new Conv2d("h_a.1", n, n, 5, 2), new Relu(), new Conv2d("h_a.2", n, n, 5, 2)));
        synthesis = new Sequential(List.of(new ConvTranspose2d("h_s.0", n, n, 5, 2), new Relu(),
                new ConvTranspose2d("h_s.1", n, n, 5, 2), new Relu(), new Conv2d("h_s.2", n, 2 * m, 3, 1)));
        List<Param> all = new ArrayList<>(analysis.params());
        all.addAll(synthesis.params());
        params = List.copyOf(all);
    }

    public List<Param> params() {
        return params;
    }

    public long parameterCount() {
        return Init.count(params);
    }

    /** Hyper-latent pixels for {@code latent} latent pixels. */
    public static int hyperSize(int latent) {
        return (latent + STRIDE - 1) / STRIDE;
    }

    /** z of a latent y, which is zero-padded to a multiple of {@link #STRIDE} first. */
    public Tensor hyperAnalysis(Tensor y) {
        int h = hyperSize(y.h) * STRIDE;
        int w = hyperSize(y.w) * STRIDE;
        Tensor padded = y;
        if (h != y.h || w != y.w) {
            padded = new Tensor(y.c, h, w);
            for (int c = 0; c < y.c; c++) {
                for (int r = 0; r < y.h; r++) {
                    System.arraycopy(y.data, (c * y.h + r) * y.w, padded.data, (c * h + r) * w, y.w);
                }
            }
        }
        return analysis.forward(padded, null);
    }

    /** μ (channels 0..M-1) and the raw σ (channels M..2M-1) of an h × w latent, from ẑ. */
    public Tensor predict(Tensor zHat, int h, int w) {
        Tensor out = synthesis.forward(zHat, null);
        if (out.h == h && out.w == w) {
            return out;
        }
        Tensor cropped = new Tensor(out.c, h, w);
        for (int c = 0; c < out.c; c++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(out.data, (c * out.h + r) * out.w, cropped.data, (c * h + r) * w, w);
            }
        }
        return cropped;
    }

    /** PyTorch's default initialisation (uniform in ±1/sqrt(fan_in)), for tests. */
    public void initRandom(long seed) {
        Random rnd = new Random(seed);
        Init.pytorchDefault(analysis.layers(), rnd);
        Init.pytorchDefault(synthesis.layers(), rnd);
    }
}
