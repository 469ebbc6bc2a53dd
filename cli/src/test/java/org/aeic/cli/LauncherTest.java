package org.aeic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/aeic}, run by bash on a probe jar ({@link LauncherProbe}) in place of aeic.jar. */
class LauncherTest {
    static final Path LAUNCHER = Path.of("..", "bin", "aeic").toAbsolutePath().normalize();
    static final String JAVA_HOME = System.getProperty("java.home");

    @TempDir
    static Path dir;
    static Path probeJar;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void probeJar() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bin/aeic is a bash script: no /bin/bash here");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        probeJar = dir.resolve("probe.jar");
        String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream os = Files.newOutputStream(probeJar); JarOutputStream jar = new JarOutputStream(os, m)) {
            jar.putNextEntry(new JarEntry(entry));
            try (var in = LauncherProbe.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(jar);
            }
            jar.closeEntry();
        }
    }

    static Run run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("AEIC_JAVA_OPTS");
        pb.environment().remove("AEIC_JAVA_HOME");
        pb.environment().remove("GLIBC_TUNABLES");
        pb.environment().put("AEIC_JAR", probeJar.toString());
        pb.environment().put("JAVA_HOME", JAVA_HOME);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not finish");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    static String line(Run r, String key) {
        return r.out().lines().filter(l -> l.startsWith(key + "=")).findFirst().orElse("").substring(key.length() + 1);
    }

    @Test
    void aOneImageCommandGetsTheSmallHeapFlagsAndItsArguments() throws Exception {
        Run r = run(Map.of(), "compress", "a b.png", "-o", "x.aeic");
        assertEquals(0, r.code(), r.err());
        String jvm = line(r, "jvm");
        assertTrue(jvm.contains("-XX:+UseSerialGC") && jvm.contains("-Xms16m") && jvm.contains("-XX:MaxNewSize=32m"), jvm);
        // quiet before the command, else the JVM prints it on stdout, where an image may be going
        int quiet = jvm.indexOf("-XX:CompileCommand=quiet");
        assertTrue(quiet >= 0 && quiet < jvm.indexOf("-XX:CompileCommand=CompileThresholdScaling,"), jvm);
        assertFalse(r.out().contains("CompileCommand:"), r.out());
        assertTrue(jvm.contains("-Daeic.gemm.warmUpCalls=3000") && jvm.contains("-Daeic.gemm.warmUpK=2")
                && jvm.contains("-Daeic.gemm.sparse=false"), jvm);
        // the micro-kernel's own threshold after the class-wide one: the JVM takes the last command that matches
        int kernel = jvm.indexOf("-XX:CompileCommand=CompileThresholdScaling,org.aeic.codec.tensor.VectorGemm::micro*,0.01");
        assertTrue(kernel > jvm.indexOf("-XX:CompileCommand=CompileThresholdScaling,org.aeic.codec.tensor.VectorGemm::*,0.1"), jvm);
        assertTrue(jvm.contains("-XX:CompileCommand=BackgroundCompilation,org.aeic.codec.tensor.VectorGemm::micro*,false"), jvm);
        int pack = jvm.indexOf("-XX:CompileCommand=CompileThresholdScaling,org.aeic.codec.tensor.VectorGemm::packPanel,0.01");
        assertTrue(pack > jvm.indexOf("-XX:CompileCommand=CompileThresholdScaling,org.aeic.codec.tensor.VectorGemm::*,0.1"), jvm);
        assertTrue(jvm.contains("-XX:CompileCommand=BackgroundCompilation,org.aeic.codec.tensor.VectorGemm::packPanel,false"), jvm);
        assertEquals("compress a b.png -o x.aeic", line(r, "args"));
        assertTrue(line(r, "GLIBC_TUNABLES").contains("glibc.malloc.trim_threshold="), r.out());
        assertEquals(hugePagesOn(), jvm.contains("-XX:+UseTransparentHugePages"), jvm);
        assertEquals(Path.of(JAVA_HOME).toRealPath(), Path.of(line(r, "java.home")).toRealPath());
    }

    @Test
    void otherCommandsKeepTheJvmDefaults() throws Exception {
        Run r = run(Map.of(), "eval", "--images", "x");
        String jvm = line(r, "jvm");
        assertFalse(jvm.contains("-XX:+UseSerialGC") || jvm.contains("-Xms16m") || jvm.contains("CompileCommand"), jvm);
        assertEquals("", line(r, "GLIBC_TUNABLES"));
        assertEquals(hugePagesOn(), jvm.contains("-XX:+UseTransparentHugePages"), jvm);
    }

    /** Whether this Linux gives the heap transparent huge pages on request (always or madvise), as the launcher does. */
    static boolean hugePagesOn() throws IOException {
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String mode = Files.isReadable(setting) ? Files.readString(setting) : "";
        return mode.contains("[always]") || mode.contains("[madvise]");
    }

    /**
     * -Daeic.fma=hardware (the codec then skips a JMX query) only where /proc/cpuinfo shows FMA3 and AVX and no JVM
     * option of the user's touches UseFMA or UseAVX.
     */
    @Test
    void theFmaInstructionIsVouchedForOnlyByTheCpuFlagsWithNoOptionAgainstIt() throws Exception {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        String flags = Files.isReadable(cpuinfo) ? Files.readAllLines(cpuinfo).stream()
                .filter(l -> l.startsWith("flags")).findFirst().orElse("") + " " : "";
        boolean fma = flags.contains(" fma ") && flags.contains(" avx ");
        assertEquals(fma, line(run(Map.of(), "decompress", "x.aeic"), "jvm").contains("-Daeic.fma=hardware"));
        assertEquals(fma, line(run(Map.of(), "eval"), "jvm").contains("-Daeic.fma=hardware"));
        for (Map<String, String> env : List.of(Map.of("AEIC_JAVA_OPTS", "-XX:-UseFMA"),
                Map.of("AEIC_JAVA_OPTS", "-Xmx1g -XX:UseAVX=2"), Map.of("JDK_JAVA_OPTIONS", "-XX:UseAVX=0"))) {
            Run r = run(env, "decompress", "x.aeic");
            assertEquals(0, r.code(), r.err());
            assertFalse(line(r, "jvm").contains("-Daeic.fma="), env + ": " + line(r, "jvm"));
        }
    }

    @Test
    void tunablesOfTheUsersAreKept() throws Exception {
        Run r = run(Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=1"), "decompress", "x.aeic");
        assertEquals(0, r.code(), r.err());
        assertEquals("glibc.malloc.arena_max=1", line(r, "GLIBC_TUNABLES"));
    }

    @Test
    void userOptionsComeLastAndAGcOfTheUsersReplacesTheSerialOne() throws Exception {
        Run r = run(Map.of("AEIC_JAVA_OPTS", "-XX:+UseParallelGC -Xmx300m"), "decompress", "x.aeic");
        assertEquals(0, r.code(), r.err());
        String jvm = line(r, "jvm");
        assertFalse(jvm.contains("-XX:+UseSerialGC"), jvm);
        assertTrue(jvm.endsWith("-XX:+UseParallelGC -Xmx300m"), jvm);
    }

    @Test
    void exitCodeAndStderrPassThrough() throws Exception {
        Run r = run(Map.of(), "info", "exit", "3");
        assertEquals(3, r.code());
        assertTrue(r.err().contains("probe: a line on stderr"), r.err());
        assertFalse(r.err().contains("Using incubator modules"), r.err()); // the launcher drops that one line
    }

    @Test
    void aWrongJavaHomeIsOneLineAndExitOne() throws Exception {
        Run r = run(Map.of("AEIC_JAVA_HOME", dir.resolve("no-such-jdk").toString()), "--version");
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("aeic: AEIC_JAVA_HOME="), r.err());
    }

    /**
     * The build's class-data sharing archive next to the jar is passed when the sidecar names this java (home and
     * runtime version), and not when it names another: another JDK's archive makes the JVM print an error.
     */
    @Test
    void theArchiveNextToTheJarIsUsedOnlyWithTheJavaThatMadeIt() throws Exception {
        Path home = Path.of(JAVA_HOME).toRealPath();
        Path release = home.resolve("release");
        assumeTrue(Files.isRegularFile(release), "no release file in " + home);
        String runtime = Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_RUNTIME_VERSION="))
                .map(l -> l.substring(l.indexOf('"') + 1, l.lastIndexOf('"'))).findFirst().orElse("");
        assumeTrue(!runtime.isEmpty(), "no JAVA_RUNTIME_VERSION in " + release);
        Path jar = dir.resolve("cds").resolve("aeic.jar");
        Files.createDirectories(jar.getParent());
        Files.copy(probeJar, jar);
        Path jsa = dir.resolve("cds").resolve("aeic.jsa");
        Process dump = new ProcessBuilder(home.resolve("bin/java").toString(), "-Xshare:dump",
                "-XX:SharedArchiveFile=" + jsa, "-jar", jar.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(dump.waitFor(120, TimeUnit.SECONDS), "-Xshare:dump did not finish");
        assumeTrue(dump.exitValue() == 0 && Files.isRegularFile(jsa), "this JDK made no CDS archive");
        Path sidecar = dir.resolve("cds").resolve("aeic.jsa.java");
        Map<String, String> env = Map.of("AEIC_JAR", jar.toString());

        Files.writeString(sidecar, home + " " + runtime + "\n");
        Run r = run(env, "decompress", "x.aeic");
        assertEquals(0, r.code(), r.err());
        assertTrue(line(r, "jvm").contains("-XX:SharedArchiveFile=" + jsa), line(r, "jvm"));
        assertEquals("probe: a line on stderr", r.err().strip()); // the JVM took the archive without a word

        Files.writeString(sidecar, home + " 0.0.0+0\n"); // made by another build of the JDK
        r = run(env, "decompress", "x.aeic");
        assertFalse(line(r, "jvm").contains("SharedArchiveFile"), line(r, "jvm"));
        Files.delete(sidecar);
        assertFalse(line(run(env, "info"), "jvm").contains("SharedArchiveFile"));
    }

    @Test
    void aMissingJarIsNamed() throws Exception {
        Run r = run(Map.of("AEIC_JAR", dir.resolve("none.jar").toString()), "--version");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("aeic.jar not found"), r.err());
    }
}
