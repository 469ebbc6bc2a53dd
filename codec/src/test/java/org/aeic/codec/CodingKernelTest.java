package org.aeic.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Run in the plain JVM, the Vector API JVMs and the emulated-fma one (codec/pom.xml). */
class CodingKernelTest {
    @Test
    void describesTheKernelInUse() throws Exception {
        String d = CodingKernel.description();
        assertTrue(d.matches("vector, [0-9]+x[0-9]+x[0-9]+ tile|scalar|scalar, fma emulated"
                + "|scalar, without --add-modules jdk\\.incubator\\.vector"), d);
        String told = System.getProperty("aeic.fma", "");
        if (told.equals("emulated")) {
            assertEquals("scalar, fma emulated", d);
        }
        // without the module the report names the flag that would bring the fast kernel (the plain-jvm execution)
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(!module && !CodingKernel.fmaEmulated(), d.endsWith("without --add-modules jdk.incubator.vector"), d);
        // no option: on x86 HotSpot's UseFMA is read through JMX, and a CPU whose flags list fma and avx has it on
        Path cpuinfo = Path.of("/proc/cpuinfo");
        String flags = Files.isReadable(cpuinfo) ? Files.readAllLines(cpuinfo).stream()
                .filter(l -> l.startsWith("flags")).findFirst().orElse("") + " " : "";
        boolean vmOptionsOfTheirOwn = String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getInputArguments()).matches(".*Use(FMA|AVX).*");
        if (told.isEmpty() && flags.contains(" fma ") && flags.contains(" avx ") && !vmOptionsOfTheirOwn) {
            assertFalse(CodingKernel.fmaEmulated(), d);
        }
        assertEquals(d.endsWith("fma emulated"), CodingKernel.fmaEmulated());
    }
}
