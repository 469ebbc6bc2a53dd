package org.aeic.cli;

import java.io.PrintWriter;

/**
 * The status line of long work, on stderr. On a terminal it is rewritten in place as the work advances; when stderr
 * goes to a file or a pipe only a finished bar is printed (so logs get one line, not hundreds); {@code --quiet}
 * turns it off.
 */
final class Progress {
    enum Mode { LIVE, FINAL, OFF }

    private final PrintWriter err;
    private final Mode mode;
    private int shown; // length of the line on screen, 0 when none

    Progress(PrintWriter err, Mode mode) {
        this.err = err;
        this.mode = mode;
    }

    /** Shows nothing. */
    static final Progress NONE = new Progress(null, Mode.OFF);

    /** LIVE on a terminal; elsewhere FINAL for a batch (its last bar stays in the log), OFF for one file; OFF when quiet. */
    static Progress of(PrintWriter err, boolean terminal, boolean quiet, boolean batch) {
        return new Progress(err, quiet ? Mode.OFF : terminal ? Mode.LIVE : batch ? Mode.FINAL : Mode.OFF);
    }

    /** A free-form status (on a terminal only), replacing the previous one. */
    synchronized void status(String line) {
        if (mode == Mode.LIVE) {
            draw(line);
        }
    }

    /** A bar: {@code [####------] done/total unit, extra}; outside a terminal only when done == total. */
    synchronized void bar(int done, int total, String unit, String extra) {
        if (mode == Mode.OFF || (mode == Mode.FINAL && done < total)) {
            return;
        }
        int width = 30;
        int filled = width * done / Math.max(1, total);
        draw("[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + done + "/" + total + " " + unit
                + (extra == null || extra.isEmpty() ? "" : ", " + extra));
    }

    /** Ends the status line: a finished bar stays, a status is erased. */
    synchronized void end(boolean keep) {
        if (shown > 0) {
            err.print(keep ? System.lineSeparator() : "\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }

    private void draw(String line) {
        String text = Text.printable(line);
        err.print((mode == Mode.LIVE ? "\r" : "") + text + " ".repeat(Math.max(0, shown - text.length())));
        err.flush();
        shown = text.length();
    }
}
