package org.aeic.codec.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The emulated fma gives {@code Math.fma}'s bits (which the machine that runs the tests computes with its own). */
class FusedMultiplyAddTest {
    private static void assertSameAsMathFma(float a, float b, float c) {
        float want = Math.fma(a, b, c);
        float got = FusedMultiplyAdd.of(a, b, c);
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got),
                () -> "fma(" + a + ", " + b + ", " + c + "): " + want + ", emulated " + got);
    }

    /** A sum a double holds only rounded, onto a float midpoint: rounding that double to float again goes wrong. */
    @Test
    void roundsOnceWhereADoubleWouldRoundTwice() {
        float a = 1 + 0x1p-23f;
        float b = (1 - 0x1p-23f) * 0x1p-24f;
        float c = 1 + 0x1p-23f; // a * b + c = 1 + 2^-23 + 2^-24 - 2^-70, just under the midpoint 1 + 1.5 * 2^-23
        assertNotEquals(Math.fma(a, b, c), (float) ((double) a * b + c), "the case must defeat plain double rounding");
        assertSameAsMathFma(a, b, c);
        assertSameAsMathFma(-a, b, -c);
        assertSameAsMathFma(a, -b, c + 0x1p-22f); // just above a midpoint, from the other side
    }

    @Test
    void edgeCases() {
        float[] v = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 0x1p-75f, 0x1.fffffep-64f,
            Float.MAX_VALUE, -Float.MAX_VALUE, 0x1p64f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            1 + 0x1p-23f, 1 - 0x1p-24f, 3f, 0.1f};
        for (float a : v) {
            for (float b : v) {
                for (float c : v) {
                    assertSameAsMathFma(a, b, c);
                }
            }
        }
    }

    @Test
    void randomOperands() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            float a = (float) r.nextGaussian();
            float b = (float) r.nextGaussian();
            switch (i % 4) {
                case 0 -> assertSameAsMathFma(Float.intBitsToFloat(r.nextInt()), Float.intBitsToFloat(r.nextInt()),
                        Float.intBitsToFloat(r.nextInt())); // any bits: every exponent, subnormals, NaNs
                case 1 -> assertSameAsMathFma(a, b, -a * b + (float) (r.nextGaussian() * 1e-7)); // cancellation
                case 2 -> assertSameAsMathFma(a, b, (float) r.nextGaussian());
                default -> assertSameAsMathFma(Float.intBitsToFloat(r.nextInt(0x01800000)), b,
                        Float.intBitsToFloat(r.nextInt(0x01000000))); // results near and under the normal range
            }
        }
    }
}
