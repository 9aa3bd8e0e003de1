package org.mobiedit.tools.eval;

/**
 * A record of a dataset file that could not be read as an edit case; it is skipped.
 *
 * @param index the record's position in the file (0-based)
 * @param message what is wrong with it
 */
public record DatasetProblem(int index, String message) {
  @Override
  public String toString() {
    return "record " + index + ": " + message;
  }
}
