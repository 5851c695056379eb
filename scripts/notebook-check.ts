// What counts as a broken notebook run, in one place for the tests and for
// anyone running a notebook by hand. Each problem names the cell the way a
// student finds it: its number in the notebook and its first line.
import { Cell, cellSource, Notebook, outputText, RunResult } from "./notebook";

/** Tag for a code cell that only defines things and may print nothing. */
export const QUIET_TAG = "quiet";

export function cellLabel(nb: Notebook, index: number): string {
  const first = cellSource(nb.cells[index]).split("\n").find((l) => l.trim() !== "") ?? "";
  return `cell ${index + 1} (\`${first.trim().slice(0, 60)}\`)`;
}

function mayBeSilent(cell: Cell): boolean {
  return Boolean(cell.metadata.tags?.includes(QUIET_TAG) || cell.metadata.nbgrader?.solution);
}

/** Every problem with a run: errors, stderr, aborted or silent cells, timeouts. */
export function runProblems(nb: Notebook, result: RunResult): string[] {
  const problems: string[] = [];
  const ran = new Map(result.cells.map((c) => [c.index, c]));
  for (const [index, cell] of nb.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    const label = cellLabel(nb, index);
    const run = ran.get(index);
    if (!run) {
      problems.push(`${label}: never ran (the run ended: ${result.end})`);
      continue;
    }
    const text = outputText(run.outputs).trim();
    if (run.status === "timeout") {
      problems.push(`${label}: did not finish within its time limit`);
    } else if (run.status === "abort" || run.status === "aborted") {
      problems.push(`${label}: aborted by the kernel (a cell before it failed less than 200 ms earlier)`);
    } else if (run.status !== "ok") {
      problems.push(`${label}: ${run.status}${text ? `: ${firstLines(text)}` : ""}`);
    }
    for (const out of run.outputs) {
      if (out.type === "error") problems.push(`${label}: raised ${out.ename}: ${out.evalue}`);
      if (out.type === "stream" && out.name === "stderr" && run.status === "ok") {
        problems.push(`${label}: wrote to stderr: ${firstLines(out.text ?? "")}`);
      }
    }
    if (run.status === "ok" && run.outputs.length === 0 && !mayBeSilent(cell)) {
      problems.push(`${label}: printed nothing (a lecture cell should show its result; tag it "${QUIET_TAG}" if it only defines things)`);
    }
  }
  return problems;
}

function firstLines(text: string, n = 6): string {
  const lines = text.trim().split("\n");
  return lines.slice(0, n).join("\n") + (lines.length > n ? "\n..." : "");
}
