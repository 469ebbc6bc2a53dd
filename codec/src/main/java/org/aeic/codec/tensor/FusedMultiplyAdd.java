package org.aeic.codec.tensor;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * The GEMMs' {@code a * b + c} with one rounding, where the JVM has no fused multiply-add instruction to use: x86
 * CPUs without FMA3 (Atom-class Celerons and Pentiums, Sandy and Ivy Bridge, x86 emulators such as Rosetta 2) or a
 * JVM run with {@code -XX:UseAVX=0} or {@code -XX:-UseFMA}. There {@code Math.fma(float, float, float)} works through
 * {@code BigDecimal} and the Vector API's {@code fma} through its Java fallback: a Kodak image took minutes to encode
 * instead of a quarter of a second. {@link #of} gives the same bits as {@code Math.fma} from a few double operations.
 */
final class FusedMultiplyAdd {
    /**
     * Whether the JIT turns {@code Math.fma} and the Vector API's {@code fma} into an instruction: HotSpot's
     * {@code UseFMA} on x86 (FMA is part of the other 64-bit instruction sets), read through JMX, which costs a
     * one-shot command about 0.1 s of CPU, so {@code bin/aeic} says {@code -Daeic.fma=hardware} where it can tell
     * from {@code /proc/cpuinfo}. {@code -Daeic.fma=emulated} makes it false (for tests).
     */
    static final boolean IN_HARDWARE = inHardware();

    private FusedMultiplyAdd() {
    }

    private static boolean inHardware() {
        String told = System.getProperty("aeic.fma", "");
        if (told.equals("emulated") || told.equals("hardware")) {
            return told.equals("hardware");
        }
        if (!System.getProperty("os.arch", "").matches("amd64|x86_64|x86|i[3-6]86")) {
            return true;
        }
        try {
            return VmOptions.useFma();
        } catch (RuntimeException | LinkageError e) {
            return true; // not HotSpot, or a runtime without jdk.management: nothing to go by
        }
    }

    /** The JMX query, in a class of its own: a runtime without jdk.management fails it here, where that is caught. */
    private static final class VmOptions {
        static boolean useFma() {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return vm == null || !vm.getVMOption("UseFMA").getValue().equals("false");
        }
    }

    /**
     * {@code a * b + c} rounded once to float, as {@code Math.fma}, without an fma instruction. The product of two
     * floats is exact in a double (24 + 24 bits); the sum is rounded to a double and its error found exactly (Knuth's
     * two-sum); the double is then rounded to odd instead (truncated, its last bit set where the sum was inexact), and a
     * double rounded to odd rounds to float as the exact value would: 53 bits are more
     * than 24 + 1 (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums", 2008).
     */
    static float of(float a, float b, float c) {
        double p = (double) a * b;
        double s = p + c;
        if (!Double.isFinite(s)) {
            return (float) s; // an infinite or NaN operand: nothing was rounded
        }
        double v = s - p;
        double e = (p - (s - v)) + (c - v); // exactly p + c - s
        // rounded to odd without a branch (whether e is zero, and its sign, vary from one call to the next: with
        // branches on them kodim01 took 75.8 s to compress, without 17.9 s): the double truncated toward zero, then
        // its last bit set where the sum was inexact
        long bits = Double.doubleToRawLongBits(s);
        long eBits = Double.doubleToRawLongBits(e);
        long magnitude = eBits << 1;
        long inexact = (magnitude | -magnitude) >>> 63; // 1 where e is not zero
        long away = ((eBits ^ bits) >>> 63) & inexact; // 1 where s was rounded away from zero
        return (float) Double.longBitsToDouble((bits - away) | inexact);
    }
}
