package org.aeic.cli;

/** A failed operation whose message is already meant for the user (exit code 1). */
final class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }
}
