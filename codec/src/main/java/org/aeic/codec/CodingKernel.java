package org.aeic.codec;

import org.aeic.codec.tensor.Gemm;

/**
 * The arithmetic this JVM codes with, for reports ({@code aeic --version}, the server's start line): the Vector API
 * GEMM and its register tile, or the portable one, which also serves where the JVM has no fma instruction (with an
 * emulated fma). Every kernel gives the same bits; only their speed differs.
 */
public final class CodingKernel {
    private CodingKernel() {
    }

    /**
     * e.g. "vector, 6x4x16 tile" (rows x vectors x floats), "scalar, without --add-modules jdk.incubator.vector" (the
     * JVM lacks the Vector API module, which only its command line can add), "scalar, fma emulated", or "scalar".
     */
    public static String description() {
        return Gemm.kernelDescription();
    }

    /**
     * Whether the fma is emulated (no instruction for it in this JVM): a warm encode of a Kodak image took about 30
     * times as long as with the portable kernel and the instruction, and 70-90 times as long as with the Vector API's.
     */
    public static boolean fmaEmulated() {
        return Gemm.fmaEmulated();
    }
}
