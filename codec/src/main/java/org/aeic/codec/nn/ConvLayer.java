package org.aeic.codec.nn;

import java.util.List;
import org.aeic.codec.tensor.Tensor;

/** What a convolution and a transposed convolution share: their sizes, weight and bias, and the input check. */
abstract class ConvLayer implements Layer {
    final int cin;
    final int cout;
    final int k;
    final int stride;
    public final Param weight;
    public final Param bias;

    /** @param weightShape the weight's dimensions ({@code [cout][cin][k][k]} or {@code [cin][cout][k][k]}) */
    ConvLayer(String name, int cin, int cout, int k, int stride, int... weightShape) {
        this.cin = cin;
        this.cout = cout;
        this.k = k;
        this.stride = stride;
        this.weight = new Param(name + ".weight", weightShape);
        this.bias = new Param(name + ".bias", cout);
    }

    @Override
    public final List<Param> params() {
        return List.of(weight, bias);
    }

    /** Inference without a tape, training's path with one. */
    @Override
    public final Tensor forward(Tensor x, Tape tape) {
        checkInput(x);
        return tape == null ? inferThen(x, null, false) : train(x, tape);
    }

    /** The forward pass of training: with the tape that {@code backward} reads back. */
    abstract Tensor train(Tensor x, Tape tape);

    /**
     * Inference ({@code forward} without a tape), then {@code then} (null: nothing) on each band of the output as soon
     * as the band is done: the bits are those of {@code forward} followed by that layer's own forward.
     *
     * @param consumeInput whether x is the caller's to overwrite (nothing reads it afterwards): then the layer may use
     *     its memory as scratch
     */
    abstract Tensor inferThen(Tensor x, ColumnStep then, boolean consumeInput);

    final void checkInput(Tensor x) {
        if (x.c != cin) {
            throw new IllegalArgumentException("expected " + cin + " channels, got " + x.c);
        }
    }
}
