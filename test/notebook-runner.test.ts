// The notebook tests must fail, fast and by name, when a cell breaks: a type
// error, a throw, or a promise that never settles.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { runNotebook, writeNotebook } from "../scripts/notebook";
import { freePort } from "../scripts/browser/servers";
import { runProblems } from "../scripts/notebook-check";
import { nbgraderScore } from "../scripts/nbgrader-rule";
import { textToNotebook } from "../scripts/nbtext";

const dir = mkdtempSync(join(tmpdir(), "mcast-nb-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function problemsOf(text: string, cellTimeoutSec = 20) {
  const nb = textToNotebook(text, "broken");
  const path = join(dir, `broken-${Math.random().toString(36).slice(2)}.ipynb`);
  writeNotebook(path, nb);
  const started = Date.now();
  const result = await runNotebook(path, { cwd: NOTEBOOKS, cellTimeoutSec, totalTimeoutSec: 60 });
  return { problems: runProblems(nb, result), seconds: (Date.now() - started) / 1000, result };
}

test("a cell with a type error is reported with its number and first line", async () => {
  const { problems } = await problemsOf(`//// code\nconst ok = 1;\nok\n//// code\nconst n: number = "not a number";\nn\n`);
  assert.ok(problems.some((p) => p.startsWith("cell 2 (`const n: number") && /not assignable/.test(p)), problems.join("\n"));
});

test("a cell that throws fails the run, and the cell right after it still runs (the kernel honours stop_on_error: false)", async () => {
  const { problems, result } = await problemsOf(`//// code\nthrow new Error("broken on purpose");\n//// code\nconsole.log("after");\n`);
  assert.ok(problems.some((p) => p.startsWith("cell 1") && /broken on purpose/.test(p)), problems.join("\n"));
  // Vanilla tslab drops every request within 200 ms of an error, whatever the client asked.
  assert.equal(result.cells[1].status, "ok");
  assert.deepEqual(result.cells[1].outputs, [{ type: "stream", name: "stdout", text: "after\n" }]);
});

test("a cell's last expression is its execute_result, which is where nbgrader reads partial credit", async () => {
  const { result } = await problemsOf(`//// code\nconsole.log("text");\n1.5\n//// code\nawait Promise.resolve(2)\n//// code\nconst n: number = "x";\n//// code\n"a string"\n`);
  assert.deepEqual(result.cells[0].outputs, [{ type: "stream", name: "stdout", text: "text\n" }, { type: "execute_result", data: { "text/plain": "1.5" } }]);
  assert.equal(nbgraderScore(result.cells[0].outputs, 3), 1.5);
  assert.equal(nbgraderScore(result.cells[1].outputs, 3), 2);
  assert.equal(nbgraderScore(result.cells[2].outputs, 3), 0, "a cell that does not compile writes to stderr: 0");
  assert.deepEqual(result.cells[3].outputs, [{ type: "execute_result", data: { "text/plain": "a string" } }]);
});

test("a cell that never resolves fails within its time limit, named", async () => {
  const { problems, seconds } = await problemsOf(`//// code\nconsole.log("before");\n//// code\nawait new Promise(() => {});\n//// code\nconsole.log("never reached");\n`, 5);
  assert.ok(seconds < 40, `took ${seconds} s`);
  assert.ok(problems.some((p) => p.startsWith("cell 2") && /time limit/.test(p)), problems.join("\n"));
  assert.ok(problems.some((p) => p.startsWith("cell 3") && /never ran/.test(p)), problems.join("\n"));
});

test("a lecture cell that prints nothing is caught, unless tagged quiet", async () => {
  const { problems } = await problemsOf(`//// code\nconst a = 1;\n//// code {"tags": ["quiet"]}\nconst b = 2;\n//// code\nconsole.log(a + b);\n`);
  assert.deepEqual(problems.map((p) => p.slice(0, 6)), ["cell 1"], problems.join("\n"));
});

test("a kernel that cannot listen on a port it was given exits at once, so that Jupyter restarts it on other ports", async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const port = (taken.address() as AddressInfo).port;
  try {
    // The other four ports are free ones; the shell port is taken.
    const free = await Promise.all([0, 1, 2, 3].map(() => freePort()));
    const config = join(dir, "taken-port.json");
    writeFileSync(config, JSON.stringify({ shell_port: port, iopub_port: free[0], stdin_port: free[1], control_port: free[2], hb_port: free[3], ip: "127.0.0.1", key: "k", transport: "tcp", signature_scheme: "hmac-sha256", kernel_name: "tslab" }));
    const kernel = spawn(process.execPath, [join(ROOT, "scripts", "tslab-kernel.cjs"), "kernel", `--config-path=${config}`], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    kernel.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => kernel.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((resolve) => kernel.on("exit", (c) => resolve(c)));
    clearTimeout(timer);
    assert.equal(code, 1, `the kernel did not exit by itself: ${stderr}`);
    assert.match(stderr, new RegExp(`tslab: cannot listen on port ${port} \\(Address already in use\\): exiting`));
  } finally {
    taken.close();
  }
});
