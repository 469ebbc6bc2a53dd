package org.aeic.codec.nn;

import java.util.List;
import java.util.Random;

/** Parameter helpers shared by the models: PyTorch's default initialisation and parameter counts. */
public final class Init {
    private Init() {
    }

    /**
     * PyTorch's default initialisation of every convolution in {@code layers}: weight and bias uniform in
     * ±1/sqrt(fan_in), fan_in = weight.shape[1]·k·k (as PyTorch computes it for both kinds); GDN as CompressAI.
     */
    public static void pytorchDefault(List<Layer> layers, Random rnd) {
        for (Layer l : layers) {
            if (l instanceof ConvLayer c) {
                double bound = 1 / Math.sqrt(c.weight.shape[1] * c.k * c.k);
                for (Param p : List.of(c.weight, c.bias)) {
                    for (int i = 0; i < p.data.length; i++) {
                        p.data[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                    }
                }
            } else if (l instanceof Gdn g) {
                g.initDefault();
            }
        }
    }

    /** Number of values in {@code params}. */
    public static long count(List<Param> params) {
        long c = 0;
        for (Param p : params) {
            c += p.size();
        }
        return c;
    }
}
