package org.aeic.bench;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.aeic.codec.nn.Conv2d;
import org.aeic.codec.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The GEMM as the codec runs it: the analysis transform's second convolution on a Kodak image (5 x 5, 128 -> 128
 * channels, stride 2, a 384 x 256 input), inference, which makes its column matrix a k-block at a time into a buffer
 * that stays in cache and runs the GEMM on it ({@code Conv2d}). One call is {@link #FLOP} (20.1 GFLOP), so GFLOPS =
 * that / (ms per op * 1e6); im2col, the output's allocation and the bias are in the time. {@code GemmBenchmark}'s
 * product streams a 52 MB B from memory instead; {@code bench/gemm.sh} prints both beside the FMA peak.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    static final int CIN = 128;
    static final int COUT = 128;
    static final int K = 5;
    static final int H = 256;
    static final int W = 384;
    public static final double FLOP = 2.0 * COUT * CIN * K * K * (H / 2) * (W / 2);

    Conv2d conv;
    Tensor x;
    ForkJoinPool one;

    @Setup
    public void setup() {
        Random r = new Random(7);
        conv = new Conv2d("c", CIN, COUT, K, 2);
        for (int i = 0; i < conv.weight.data.length; i++) {
            conv.weight.data[i] = (float) r.nextGaussian() * 0.02f;
        }
        x = new Tensor(CIN, H, W);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = r.nextFloat();
        }
        one = new ForkJoinPool(1);
    }

    @TearDown
    public void tearDown() {
        one.shutdown();
    }

    /** On all cores (the common pool and the calling thread, as the coder's pool of that size). */
    @Benchmark
    public Tensor convParallel() {
        return conv.forward(x, null);
    }

    /** On one thread: a pool of one worker, whose parallelism the convolution's bands follow. */
    @Benchmark
    public Tensor convSingleThread() {
        return one.submit(() -> conv.forward(x, null)).join();
    }
}
