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

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        for (Layer l : layers) {
            x = l.forward(x, tape);
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
