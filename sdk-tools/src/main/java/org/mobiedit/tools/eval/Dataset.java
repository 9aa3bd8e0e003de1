package org.mobiedit.tools.eval;

import java.util.List;

/**
 * The cases read from a benchmark file, and the records that were skipped.
 *
 * @param format the format detected
 * @param cases the readable cases, in file order
 * @param problems one entry per malformed record (index and reason), never fatal
 */
public record Dataset(DatasetFormat format, List<EditCase> cases, List<DatasetProblem> problems) {
  public Dataset {
    cases = List.copyOf(cases);
    problems = List.copyOf(problems);
  }

  /** Cases {@code offset .. offset+limit-1} (limit ≤ 0: to the end). */
  public List<EditCase> slice(int offset, int limit) {
    int from = Math.min(Math.max(0, offset), cases.size());
    int to = limit <= 0 ? cases.size() : Math.min(cases.size(), from + limit);
    return cases.subList(from, to);
  }
}
