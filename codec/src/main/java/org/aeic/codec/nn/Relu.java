package org.aeic.codec.nn;

import java.util.List;
import org.aeic.codec.tensor.Tensor;

/** max(0, x), element-wise (NaN becomes 0, so a hostile stream cannot spread NaN through a hyper-synthesis). */
public final class Relu implements Layer {
    @Override
    public Tensor forward(Tensor x, Tape tape) {
        Tensor out = new Tensor(x.c, x.h, x.w);
        for (int i = 0; i < x.data.length; i++) {
            float v = x.data[i];
            out.data[i] = v > 0 ? v : 0f;
        }
        if (tape != null) {
            tape.push(out);
        }
        return out;
    }

    @Override
    public Tensor backward(Tensor dy, Tape tape, Grads grads, boolean needInputGrad) {
        Tensor out = tape.pop();
        if (!needInputGrad) {
            return null;
        }
        Tensor dx = new Tensor(dy.c, dy.h, dy.w);
        for (int i = 0; i < dy.data.length; i++) {
            dx.data[i] = out.data[i] > 0 ? dy.data[i] : 0f;
        }
        return dx;
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public int[] inputSpan(int first, int last) {
        return new int[] {first, last}; // per position
    }

    @Override
    public int[] outputShape(int c, int h, int w) {
        return new int[] {c, h, w};
    }
}
