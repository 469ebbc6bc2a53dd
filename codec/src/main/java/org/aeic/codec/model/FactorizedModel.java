package org.aeic.codec.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.aeic.codec.prior.LogisticMixturePrior;
import org.aeic.codec.nn.Conv2d;
import org.aeic.codec.nn.ConvTranspose2d;
import org.aeic.codec.nn.Gdn;
import org.aeic.codec.nn.Grads;
import org.aeic.codec.nn.Init;
import org.aeic.codec.nn.Layer;
import org.aeic.codec.nn.Param;
import org.aeic.codec.nn.Sequential;

/**
 * The factorized-prior autoencoder of Ballé et al. 2018 ("bmshj2018-factorized"):
 *
 * <pre>
 *   x (3 x H x W, [0,1])
 *   |  analysis:  conv5x5/2 (3→N) GDN  conv5x5/2 (N→N) GDN  conv5x5/2 (N→N) GDN  conv5x5/2 (N→M)
 *   v
 *   y (M x H/16 x W/16) -- * gain[q] -- round(. - center) --> symbols --> rANS under integer tables
 *                                                                            |
 *   ŷ = (symbols + center) / gain[q]  <--------------------------------------+
 *   |  synthesis: deconv5x5/2 (M→N) IGDN  deconv (N→N) IGDN  deconv (N→N) IGDN  deconv (N→3)
 *   v
 *   x̂ (3 x H x W), clamped to [0,1]
 * </pre>
 *
 * The prior (one logistic mixture per latent channel) lives beside the transforms and is turned
 * into integer tables when the model is saved.
 */
public final class FactorizedModel {
    public static final String KIND = "factorized-gdn";
    public static final int KERNEL = 5;
    public static final int LAYERS = 4;
    /** Total downsampling factor: images are padded to a multiple of it. */
    public static final int STRIDE = 1 << LAYERS;

    public final int n;
    public final int m;
    public final Sequential analysis;
    public final Sequential synthesis;
    public final LogisticMixturePrior prior;
    private final List<Param> params;

    public FactorizedModel(int n, int m) {
        this.n = n;
        this.m = m;
        List<Layer> a = new ArrayList<>();
        List<Layer> s = new ArrayList<>();
        for (int i = 0; i < LAYERS; i++) {
            a.add(new Conv2d("g_a." + i, i == 0 ? 3 : n, i == LAYERS - 1 ? m : n, KERNEL, 2));
            if (i < LAYERS - 1) {
                a.add(new Gdn("g_a.gdn" + i, n, false));
            }
        }
        for (int i = 0; i < LAYERS; i++) {
            s.add(new ConvTranspose2d("g_s." + i, i == 0 ? m : n, i == LAYERS - 1 ? 3 : n, KERNEL, 2));
            if (i < LAYERS - 1) {
                s.add(new Gdn("g_s.igdn" + i, n, true));
            }
        }
        analysis = new Sequential(a);
        synthesis = new Sequential(s);
        prior = new LogisticMixturePrior(m);
        List<Param> all = new ArrayList<>(analysis.params());
        all.addAll(synthesis.params());
        all.add(prior.params);
        params = List.copyOf(all);
        Grads.index(params);
    }

    /** All trainable arrays, in a fixed order (their {@link Param#index()}). */
    public List<Param> params() {
        return params;
    }

    public long parameterCount() {
        return Init.count(params);
    }

    /** PyTorch's default initialisation (uniform in ±1/sqrt(fan_in)), GDN as CompressAI. */
    public void initRandom(long seed) {
        Random rnd = new Random(seed);
        Init.pytorchDefault(analysis.layers(), rnd);
        Init.pytorchDefault(synthesis.layers(), rnd);
        prior.initDefault();
    }

    public Param param(String name) {
        for (Param p : params) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter " + name);
    }
}
