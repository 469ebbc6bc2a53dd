package org.aeic.codec.io;

import java.io.EOFException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import javax.imageio.IIOException;

/**
 * A throwable's message as one line, for error messages that name what failed and then why. The one home
 * for this rule: the codec's image loading and saving and the server's request, listen and store errors use it.
 * Also the one rule for which characters of an outside string (a stream's model id, a client's parameter) may not
 * reach a terminal or an answer as they are: the CLI and the server escape the same set.
 */
public final class OneLine {
    private OneLine() {
    }

    /** The message (the class name when there is none) with its whitespace runs collapsed to one space. */
    public static String of(Throwable t) {
        return of(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }

    /**
     * As {@link #of}, told for file and image I/O: a file-system error's reason rather than its message (just the
     * path, which the caller already names), and the cause of an IIOException, in which readers often wrap the
     * telling one.
     */
    public static String reason(Throwable e) {
        String m = e.getMessage();
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            m = f.getReason() != null ? f.getReason()
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file or directory" : e.getClass().getSimpleName();
        }
        if (m == null || m.isBlank()) {
            m = e instanceof EOFException ? "unexpected end of file" : e.getClass().getSimpleName();
        }
        Throwable cause = e.getCause();
        if (e instanceof IIOException && cause != null && cause != e) {
            m += ": " + reason(cause);
        }
        return of(m);
    }

    /** A text (a reader's warning, say) with its whitespace runs collapsed to one space. */
    public static String of(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    /**
     * Whether {@code c} must be escaped before a string from outside is printed: control and formatting characters
     * (ESC, CR, LF, bidi overrides, ...) and line or paragraph separators, which could move the cursor, recolour a
     * terminal or forge extra lines.
     */
    public static boolean unsafe(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
