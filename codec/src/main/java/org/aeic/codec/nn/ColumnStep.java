package org.aeic.codec.nn;

/**
 * An element-wise layer's inference on columns {@code [p0, p1)} of every channel plane of a map ({@code plane} floats
 * apart), in place: what a convolution does to each band of its output as soon as the band is made, while it is still
 * in cache, instead of a pass of its own over the whole map afterwards.
 */
@FunctionalInterface
interface ColumnStep {
    void apply(float[] data, int plane, int p0, int p1);
}
