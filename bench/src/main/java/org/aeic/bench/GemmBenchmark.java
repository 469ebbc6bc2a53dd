package org.aeic.bench;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.aeic.codec.nn.Conv2d;
import org.aeic.codec.tensor.Gemm;
import org.aeic.codec.tensor.Tensor;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
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
 * The convolution hot path against EJML on a conv-shaped GEMM: a 5x5 conv with 128→128 channels on
 * a 64x64 map is {@code C[128 x 4096] = W[128 x 3200] * cols[3200 x 4096]} (3.36 GFLOP per call).
 * GFLOPS = 3.355 / (ms per op / 1000).
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar GemmBenchmark                       # Vector API kernel (forks get the flag)
 *   java -jar bench/target/benchmarks.jar GemmBenchmark -jvmArgsAppend -Daeic.gemm=scalar   # plain-Java kernel
 * </pre>
 *
 * {@code -jvmArgsAppend} on the command line replaces the {@code @Fork} arguments below, module included: to add a
 * flag to the Vector API run, repeat the module, {@code -jvmArgsAppend "--add-modules jdk.incubator.vector
 * -XX:UseAVX=2"} ({@code bench/gemm.sh} does). With N = 4,096 the rows of B are 16 KiB apart and share L1 sets:
 * on AVX2 that costs the kernel a third of its speed (57 against 87-90 GFLOPS at N = 4,080 or 4,104); the codec
 * pads such strides ({@code Gemm.paddedStride}), the benchmark keeps N for comparison with earlier figures.
 *
 * <p>This product streams its 52 MB B from memory. {@code conv*} measure the GEMM as the codec runs it: the analysis
 * transform's second convolution on a Kodak image ({@link Convolution}: 5 x 5, 128 -> 128 channels, stride 2, a 384 x
 * 256 input), whose inference makes the column matrix a k-block at a time into a buffer that stays in cache; one call
 * is {@link Convolution#FLOP} (20.1 GFLOP), im2col, the output's allocation and the bias in the time.
 * {@code bench/gemm.sh} prints both beside the FMA peak.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    static final int M = 128;
    static final int K = 3200;
    static final int N = 4096;

    float[] a;
    float[] b;
    float[] c;
    FMatrixRMaj ma;
    FMatrixRMaj mb;
    FMatrixRMaj mc;

    @Setup
    public void setup() {
        Random r = new Random(42);
        a = new float[M * K];
        b = new float[K * N];
        c = new float[M * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() - 0.5f;
        }
        ma = new FMatrixRMaj(M, K, true, a);
        mb = new FMatrixRMaj(K, N, true, b);
        mc = new FMatrixRMaj(M, N);
    }

    /** AEIC's GEMM on all cores (the kernel in use is printed by the run: see README). */
    @Benchmark
    public float[] aeicParallel() {
        java.util.Arrays.fill(c, 0f);
        Gemm.gemmParallel(M, N, K, a, 0, K, b, 0, N, c, 0, N);
        return c;
    }

    @Benchmark
    public float[] aeicSingleThread() {
        java.util.Arrays.fill(c, 0f);
        Gemm.gemm(M, N, K, a, 0, K, b, 0, N, c, 0, N);
        return c;
    }

    /** The analysis' second convolution and its input (random weights: the speed does not depend on them). */
    @State(Scope.Benchmark)
    public static class Convolution {
        static final int CIN = 128;
        static final int COUT = 128;
        static final int KERNEL = 5;
        static final int H = 256;
        static final int W = 384;
        public static final double FLOP = 2.0 * COUT * CIN * KERNEL * KERNEL * (H / 2) * (W / 2);

        Conv2d conv;
        Tensor x;
        ForkJoinPool one;

        @Setup
        public void setup() {
            Random r = new Random(7);
            conv = new Conv2d("c", CIN, COUT, KERNEL, 2);
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
    }

    /** The convolution on all cores (the common pool and the calling thread, as the coder's pool of that size). */
    @Benchmark
    public Tensor convParallel(Convolution s) {
        return s.conv.forward(s.x, null);
    }

    /** The convolution on one thread: a pool of one worker, whose parallelism the convolution's bands follow. */
    @Benchmark
    public Tensor convSingleThread(Convolution s) {
        return s.one.submit(() -> s.conv.forward(s.x, null)).join();
    }

    @Benchmark
    public FMatrixRMaj ejmlMultiThread() {
        CommonOps_MT_FDRM.mult(ma, mb, mc);
        return mc;
    }

    @Benchmark
    public FMatrixRMaj ejmlSingleThread() {
        CommonOps_FDRM.mult(ma, mb, mc);
        return mc;
    }
}
