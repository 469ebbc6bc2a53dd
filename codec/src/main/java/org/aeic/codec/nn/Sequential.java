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
        boolean split = false; // x is split by column phase for the convolution that reads it
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (tape == null && l instanceof ConvLayer conv) {
                Gdn gdn = i + 1 < layers.size() && layers.get(i + 1) instanceof Gdn g ? g : null;
                ColumnStep then = gdn == null ? null : gdn.inference();
                int after = i + (gdn == null ? 1 : 2);
                int splitFor = conv instanceof Conv2d ? splitFor(conv.outputShape(x.c, x.h, x.w)[2], after) : 0;
                x = conv instanceof Conv2d c ? c.inferThen(x, then, i > 0, split, splitFor)
                        : conv.inferThen(x, then, i > 0);
                split = splitFor > 0;
                i = after - 1;
            } else {
                x = l.forward(x, tape);
            }
        }
        return x;
    }

    /**
     * The stride of the convolution at {@code at} when it reads a map of this width split in the layer before's bands
     * (a convolution of stride 2 or more, after a convolution and its GDN): the split then costs no pass of its own.
     */
    private int splitFor(int width, int at) {
        return at < layers.size() && layers.get(at) instanceof Conv2d next && next.stride > 1
                && width % next.stride == 0 ? next.stride : 0;
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

    @Override
    public int[] inputSpan(int first, int last) {
        int[] span = {first, last};
        for (int i = layers.size() - 1; i >= 0; i--) {
            span = layers.get(i).inputSpan(span[0], span[1]);
        }
        return span;
    }
}
