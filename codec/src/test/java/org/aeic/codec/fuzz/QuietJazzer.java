package org.aeic.codec.fuzz;

import com.code_intelligence.jazzer.utils.Log;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Drops Jazzer's {@code INFO:} lines (a "Loaded N hooks" line per sanitizer and an "Instrumented" line per class:
 * some 110 per run of the fuzz test, twice per {@code mvn test}) from the test output. Its {@code WARN:},
 * {@code ERROR:} and findings still reach stderr. Jazzer logs through its {@link Log}, to the streams given to
 * {@link Log#fixOutErr} if any; they are fixed before the fuzz test installs the agent.
 */
final class QuietJazzer implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        Log.fixOutErr(System.out, new PrintStream(new DropInfoLines(System.err), true, StandardCharsets.UTF_8));
    }

    /** Passes whole lines on, except those that start with {@code INFO: }. */
    static final class DropInfoLines extends OutputStream {
        private static final byte[] INFO = "INFO: ".getBytes(StandardCharsets.US_ASCII);

        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        DropInfoLines(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                emit();
            }
        }

        @Override
        public synchronized void flush() {
            target.flush(); // a partial line waits for its end: it may still turn out to be INFO
        }

        private void emit() {
            byte[] b = line.toByteArray();
            line.reset();
            boolean info = b.length >= INFO.length && java.util.Arrays.equals(b, 0, INFO.length, INFO, 0, INFO.length);
            if (!info) {
                target.write(b, 0, b.length);
                target.flush();
            }
        }
    }
}
