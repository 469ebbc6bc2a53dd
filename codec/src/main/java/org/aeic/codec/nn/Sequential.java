package org.aeic.codec.nn;

import java.util.ArrayList;
import java.util.List;
import org.aeic.codec.tensor.Tensor;

/** Layers applied in order. */
public final class Sequential implements Layer {
    private final List<Layer> layers;

    public Sequential(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    /**
     * In inference, a convolution followed by GDN normalises each band of its output as soon as the band is made (a
     * plane of 128 x 384 x 256 is 50 MB: GDN's own pass read it back from memory and wrote it again). Every layer's
     * input after the first is the output of the one before, which nothing else holds: a convolution may use it as
     * scratch.
     */
    @Override
    public Tensor forward(Tensor x, Tape tape) {
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (tape == null && l instanceof ConvLayer conv) {
                Gdn gdn = i + 1 < layers.size() && layers.get(i + 1) instanceof Gdn g ? g : null;
                x = conv.inferThen(x, gdn == null ? null : gdn.inference(), i > 0);
                i += gdn == null ? 0 : 1;
            } else {
                x = l.forward(x, tape);
            }
        }
        return x;
    }

    @Override
    public Tensor backward(Tensor dy, Tape tape, Grads grads, boolean needInputGrad) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            dy = layers.get(i).backward(dy, tape, grads, i > 0 || needInputGrad);
        }
        return dy;
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.params());
        }
        return all;
    }

    @Override
    public int[] outputShape(int c, int h, int w) {
        int[] s = {c, h, w};
        for (Layer l : layers) {
            s = l.outputShape(s[0], s[1], s[2]);
        }
        return s;
    }
}
