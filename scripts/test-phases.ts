// A node:test reporter that prints, once every test has run, how long each
// part of the suite took: one row per test file (its top-level tests and
// suites, summed), slowest first, with the browser and notebook files named
// for what they run. `npm test` uses it beside the spec reporter, so the end
// of every run says where its minutes went.
import { basename } from "node:path";

interface TestEvent {
  type: string;
  data: { name?: string; nesting?: number; file?: string; details?: { duration_ms?: number; type?: string } };
}

const ms = (x: number) => `${(x / 1000).toFixed(1)} s`.padStart(9);

async function* phases(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const perFile = new Map<string, { ms: number; tests: number; failed: number; parts: Array<[string, number]> }>();
  const started = Date.now();
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { nesting, file, details } = event.data;
    if (nesting !== 0 || !file) continue;
    const row = perFile.get(file) ?? { ms: 0, tests: 0, failed: 0, parts: [] };
    row.parts.push([event.data.name ?? "", details?.duration_ms ?? 0]);
    row.ms += details?.duration_ms ?? 0;
    row.tests += 1;
    if (event.type === "test:fail") row.failed += 1;
    perFile.set(file, row);
  }
  const rows = [...perFile].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((sum, [, r]) => sum + r.ms, 0);
  yield "\nwhere the suite's time went (per test file, its top-level tests summed)\n";
  for (const [file, r] of rows) {
    const share = total > 0 ? `${((100 * r.ms) / total).toFixed(0)}%`.padStart(5) : "";
    yield `${basename(file).replace(/\.test\.js$/, "").padEnd(24)}${ms(r.ms)}${share}  ${r.tests} top-level${r.failed ? `, ${r.failed} failed` : ""}\n`;
    // A file's big parts (a front end's whole pass, the journey's steps) on lines of their own.
    for (const [name, t] of r.parts) if (t >= 30_000 && r.parts.length > 1) yield `${"".padEnd(24)}${ms(t)}       ${name.slice(0, 70)}\n`;
  }
  yield `${"all files".padEnd(24)}${ms(total)}        wall ${((Date.now() - started) / 1000).toFixed(1)} s\n`;
}

// node:test loads a CommonJS reporter as module.exports itself.
export = phases;
