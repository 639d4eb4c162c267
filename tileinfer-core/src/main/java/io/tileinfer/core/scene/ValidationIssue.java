package io.tileinfer.core.scene;

/**
 * One thing wrong with a scene: the file it concerns, the check that failed, what was found and what was
 * expected.
 */
public record ValidationIssue(String file, String check, String found, String expected) {

    public String message() {
        return file + ": " + check + ": found " + found + ", expected " + expected;
    }

    @Override
    public String toString() {
        return message();
    }
}
