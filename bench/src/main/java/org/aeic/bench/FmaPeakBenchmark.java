package org.aeic.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA peak of one core, measured: 12 independent fused multiply-add chains on the preferred vector
 * shape, no memory traffic (12 chains cover the latency x throughput of two FMA pipes). One call is
 * {@code 2 * 12 * lanes * ITERATIONS} FLOP, so GFLOPS = that / (ms per op * 1e6); {@code bench/gemm.sh}
 * prints it beside the GEMM's GFLOPS.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBenchmark {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static final int ITERATIONS = 1 << 22;

    float x = 1.0000001f;
    float y = 0.9999999f;

    @Benchmark
    public float fma12() {
        FloatVector a = FloatVector.broadcast(S, x);
        FloatVector b = FloatVector.broadcast(S, y);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
        FloatVector s6 = s0, s7 = s0, s8 = s0, s9 = s0, s10 = s0, s11 = s0;
        for (int i = 0; i < ITERATIONS; i++) {
            s0 = a.fma(b, s0); s1 = a.fma(b, s1); s2 = a.fma(b, s2); s3 = a.fma(b, s3);
            s4 = a.fma(b, s4); s5 = a.fma(b, s5); s6 = a.fma(b, s6); s7 = a.fma(b, s7);
            s8 = a.fma(b, s8); s9 = a.fma(b, s9); s10 = a.fma(b, s10); s11 = a.fma(b, s11);
        }
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).add(s8).add(s9).add(s10).add(s11)
                .reduceLanes(VectorOperators.ADD);
    }
}
