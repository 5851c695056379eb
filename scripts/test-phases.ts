// A node:test reporter that prints, once every test has run, how long each
// part of the suite took: one row per test file (its top-level tests and
// suites, summed), slowest first, and a file's parts of 30 s or more (a front
// end's browser pass, the journey's walks) on lines of their own. `npm test`
// uses it beside the spec reporter, so the end of every run says where its
// minutes went.
import { basename } from "node:path";

interface TestEvent {
  type: string;
  data: { name?: string; nesting?: number; file?: string; details?: { duration_ms?: number } };
}

interface Part {
  name: string;
  ms: number;
  failed: boolean;
}

const seconds = (x: number) => `${(x / 1000).toFixed(1)} s`.padStart(9);
const sum = (parts: Part[]) => parts.reduce((total, p) => total + p.ms, 0);

async function* phases(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const perFile = new Map<string, Part[]>();
  const started = Date.now();
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { nesting, file, details, name } = event.data;
    if (nesting !== 0 || !file) continue;
    perFile.set(file, [...(perFile.get(file) ?? []), { name: name ?? "", ms: details?.duration_ms ?? 0, failed: event.type === "test:fail" }]);
  }
  const rows = [...perFile].map(([file, parts]) => ({ file, parts, ms: sum(parts) })).sort((a, b) => b.ms - a.ms);
  const total = rows.reduce((t, r) => t + r.ms, 0);
  yield "\nwhere the suite's time went (per test file, its top-level tests summed)\n";
  for (const { file, parts, ms } of rows) {
    const share = total > 0 ? `${((100 * ms) / total).toFixed(0)}%`.padStart(5) : "";
    const failed = parts.filter((p) => p.failed).length;
    yield `${basename(file).replace(/\.test\.js$/, "").padEnd(24)}${seconds(ms)}${share}  ${parts.length} top-level${failed ? `, ${failed} failed` : ""}\n`;
    if (parts.length > 1) for (const p of parts) if (p.ms >= 30_000) yield `${"".padEnd(24)}${seconds(p.ms)}       ${p.name.slice(0, 70)}\n`;
  }
  yield `${"all files".padEnd(24)}${seconds(total)}        wall ${((Date.now() - started) / 1000).toFixed(1)} s\n`;
}

// node:test loads a CommonJS reporter as module.exports itself.
export = phases;
