package org.aeic.codec.nn;

import java.util.List;
import org.aeic.codec.tensor.Tensor;

/**
 * One differentiable stage of a transform. The same forward code serves the codec and the trainer:
 * with a null tape it runs inference (parallel, memory-bounded); with a tape it records what
 * {@link #backward} needs and runs on the calling thread (the trainer parallelises over samples).
 * Inference may consume its input (GDN normalises in place): pass a tensor nothing else still reads.
 */
public interface Layer {
    Tensor forward(Tensor x, Tape tape);

    /**
     * Accumulates parameter gradients into {@code grads} and returns dLoss/dx, or null when
     * {@code needInputGrad} is false.
     */
    Tensor backward(Tensor dy, Tape tape, Grads grads, boolean needInputGrad);

    List<Param> params();

    /** Output shape {c, h, w} for an input of the given shape. */
    int[] outputShape(int c, int h, int w);

    /**
     * The input positions, along either axis, that outputs {@code first .. last} (inclusive) read: their receptive
     * field {@code {first, last}}, unclipped (it may reach below 0 or past the input's end, where padding is read).
     * A tile computed over a window that holds this span of its outputs gets them bit for bit as the whole image
     * would (see {@link org.aeic.codec.tiling.Tiling}).
     */
    int[] inputSpan(int first, int last);
}
