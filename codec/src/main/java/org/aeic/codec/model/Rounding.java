package org.aeic.codec.model;

/**
 * The latent's rounding rule, its one home: a scaled latent value {@code v = y·gain − center} becomes the integer
 * nearest to it, halves rounded up. The coder uses {@link #symbol(float)}; the trainer uses the double twin
 * {@link #round(double)}, which is the same rule in another precision.
 */
public final class Rounding {
    private Rounding() {
    }

    /**
     * The coded symbol of {@code v}: {@code floor(v + 0.5f)}, summed in float as every stream so far was made (the
     * golden streams pin it); NaN → 0, huge → saturated, both codable.
     */
    public static int symbol(float v) {
        return (int) Math.floor(v + 0.5f);
    }

    /**
     * The same rule in double, for the trainer's straight-through estimate: {@code floor(v + 0.5)}. Not for coding:
     * next to a half, {@code v + 0.5f} in float can round to the other integer (0.49999997f gives 1 there, 0 here),
     * so the coder keeps {@link #symbol(float)} and training keeps its double arithmetic unchanged.
     */
    public static double round(double v) {
        return Math.floor(v + 0.5);
    }
}
