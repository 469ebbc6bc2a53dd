package org.aeic.codec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.aeic.codec.nn.Param;
import org.aeic.codec.tensor.Tensor;
import org.junit.jupiter.api.Test;

class WideningTest {
    private static FactorizedModel trainedLooking(int n, int m) {
        FactorizedModel net = new FactorizedModel(n, m);
        net.initRandom(11);
        // move GDN away from its initialisation, as training does, so a copy error would show
        Random r = new Random(5);
        for (Param p : net.params()) {
            if (p.name.contains("gdn") && p.name.endsWith("gamma")) {
                for (int i = 0; i < p.size(); i++) {
                    p.data[i] += (float) (0.2 * r.nextDouble());
                }
            }
        }
        return net;
    }

    private static Tensor image(int h, int w) {
        Random r = new Random(3);
        Tensor x = new Tensor(3, h, w);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = r.nextFloat();
        }
        return x;
    }

    @Test
    void aWidenedModelComputesWhatTheNarrowOneDid() {
        FactorizedModel narrow = trainedLooking(6, 5);
        FactorizedModel wide = Widening.widen(narrow, 10, 8, 1);
        assertEquals(10, wide.n);
        assertEquals(8, wide.m);
        Tensor x = image(32, 48);
        Tensor yNarrow = narrow.analysis.forward(x, null);
        Tensor yWide = wide.analysis.forward(x, null);
        int plane = yNarrow.plane();
        for (int c = 0; c < 5; c++) {
            for (int i = 0; i < plane; i++) {
                assertEquals(yNarrow.data[c * plane + i], yWide.data[c * plane + i], 1e-4, "latent " + c);
            }
        }
        for (int i = 5 * plane; i < yWide.data.length; i++) {
            assertEquals(0f, yWide.data[i], "a new latent channel is 0 until trained (it costs no bits)");
        }
        Tensor xNarrow = narrow.synthesis.forward(yNarrow, null);
        Tensor xWide = wide.synthesis.forward(yWide, null);
        for (int i = 0; i < xNarrow.data.length; i++) {
            assertEquals(xNarrow.data[i], xWide.data[i], 1e-4);
        }
        // a zero symbol of a new channel costs almost nothing under its prior
        assertTrue(wide.prior.bits(7, 0.0, null, null, 0) < 0.05);
    }

    @Test
    void newChannelsAreLiveButUnused() {
        FactorizedModel narrow = trainedLooking(6, 5);
        FactorizedModel wide = Widening.widen(narrow, 10, 8, 1);
        Param into = wide.param("g_a.1.weight"); // [out 10, in 10, 5, 5]: new rows random, new columns of old rows zero
        Param out = wide.param("g_s.1.weight"); // [in 10, out 10, 5, 5]
        int k2 = 25;
        assertEquals(0f, into.data[(2 * 10 + 7) * k2 + 3]);
        assertTrue(into.data[(7 * 10 + 2) * k2 + 3] != 0f);
        assertEquals(narrow.param("g_a.1.weight").data[(2 * 6 + 4) * k2 + 3], into.data[(2 * 10 + 4) * k2 + 3]);
        assertEquals(0f, out.data[(7 * 10 + 2) * k2 + 3]);
        assertTrue(out.data[(2 * 10 + 7) * k2 + 3] != 0f);
        // latent channels the other way round: zero in, random out
        Param toLatent = wide.param("g_a.3.weight"); // [out 8, in 10, 5, 5]
        Param fromLatent = wide.param("g_s.0.weight"); // [in 8, out 10, 5, 5]
        assertEquals(0f, toLatent.data[(6 * 10 + 2) * k2 + 3]);
        assertEquals(0f, wide.param("g_a.3.bias").data[6]);
        assertTrue(fromLatent.data[(6 * 10 + 2) * k2 + 3] != 0f);
        assertEquals(narrow.param("g_a.3.weight").data[(4 * 6 + 2) * k2 + 3], toLatent.data[(4 * 10 + 2) * k2 + 3]);
        assertThrows(IllegalArgumentException.class, () -> Widening.widen(narrow, 4, 5, 1));
    }

    @Test
    void levelsKeepTheirGainsAndPriorsAndNewChannelsTakeTheMeanGain() {
        RateLevel l = new RateLevel(0, 3f, 0.01, 2);
        l.logGain.data[0] = -1f;
        l.logGain.data[1] = 0.5f;
        l.prior.initDefault();
        l.prior.params.data[4] = 7f;
        RateLevel w = Widening.widen(List.of(l), 4).get(0);
        assertEquals(3f, w.quality);
        assertEquals(-1f, w.logGain.data[0]);
        assertEquals(0.5f, w.logGain.data[1]);
        assertEquals(-0.25f, w.logGain.data[3]);
        assertEquals(7f, w.prior.params.data[4]);
        assertEquals(4, w.prior.channels());
        assertTrue(w.prior.bits(3, 0.0, null, null, 0) < 0.05);
        assertEquals(0f, w.prior.center(3));
    }
}
