package org.aeic.cli;

import java.lang.management.ManagementFactory;

/**
 * Stands in for aeic.jar in {@link LauncherTest}: prints the JVM the launcher chose, the options it gave, the
 * arguments and the C library's tunables, writes a line to stderr, and exits with the code given after "exit".
 */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    public static void main(String[] args) {
        System.out.println("java.home=" + System.getProperty("java.home"));
        System.out.println("jvm=" + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println("args=" + String.join(" ", args));
        System.out.println("GLIBC_TUNABLES=" + System.getenv().getOrDefault("GLIBC_TUNABLES", ""));
        System.err.println("probe: a line on stderr");
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("exit")) {
                System.exit(Integer.parseInt(args[i + 1]));
            }
        }
    }
}
