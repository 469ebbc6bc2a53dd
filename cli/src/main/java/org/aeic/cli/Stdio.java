package org.aeic.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The process's standard input and output as bytes (for {@code -} as IN and {@code -o -}), and whether it talks to a
 * terminal (then long single-file work shows progress on stderr). {@link Main#main} passes the real ones, tests
 * their own.
 */
record Stdio(InputStream in, OutputStream out, boolean terminal) {
    /** The name that stands for standard input as IN, or standard output as OUT. */
    static final String DASH = "-";

    static boolean isDash(Path p) {
        return p != null && p.toString().equals(DASH);
    }

    /** All of standard input (an image or a stream: bounded by what a byte array holds). */
    byte[] readAll() throws IOException, CliException {
        byte[] b = in.readNBytes(Integer.MAX_VALUE - 16);
        if (b.length == 0) {
            throw new CliException("standard input is empty");
        }
        return b;
    }

    /** Writes {@code bytes} to standard output, after whatever text went there before. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }
}
