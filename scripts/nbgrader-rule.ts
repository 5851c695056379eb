// nbgrader's rule for scoring a grade cell from its outputs (nbgrader 0.9,
// utils.determine_grade and get_partial_grade), so that our tests read a
// check cell exactly as nbgrader's autograder does:
//   an `error` output, or anything on stderr            -> 0
//   else the first `execute_result` whose text is a number -> that many points
//     (more than the cell's points is nbgrader's error; we say so)
//   else                                                -> full points
import type { Output } from "./notebook";

export function nbgraderScore(outputs: readonly Output[], points: number): number {
  for (const out of outputs) {
    if (out.type === "error" || (out.type === "stream" && out.name === "stderr")) return 0;
    if (out.type === "execute_result") {
      const text = out.data?.["text/plain"] ?? "";
      const value = Number(text.trim());
      // nbgrader's float() of text that is not a number fails, and it then gives full points with a warning.
      if (text.trim() === "" || !Number.isFinite(value)) return points;
      if (value > points) throw new Error(`a check cell says ${value} points, more than its ${points}: nbgrader refuses that`);
      return value;
    }
  }
  return points;
}
