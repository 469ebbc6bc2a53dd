package org.aeic.cli;

import org.aeic.codec.io.OneLine;

/**
 * Strings from outside (a stream's header, a model file, a file name, an exception message) made safe for a terminal
 * and for one-line output: control and formatting characters (ESC, CR, LF, bidi overrides, ...) become visible
 * escapes, so that a hostile stream cannot move the cursor, recolour the terminal or forge extra lines.
 */
final class Text {
    private Text() {
    }

    /** {@code s} with every control or formatting character as {@code \xNN} or {@code \}{@code uNNNN}. */
    static String printable(String s) {
        if (s == null || s.chars().noneMatch(Text::unsafe)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!unsafe(c)) {
                b.append(c);
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    /** {@code s} as the inside of a JSON string; control and formatting characters as {@code \}{@code uNNNN}. */
    static String json(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (unsafe(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean unsafe(int c) {
        return OneLine.unsafe(c);
    }
}
