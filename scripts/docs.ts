// The API reference (TypeDoc, from src/index.ts and its doc comments) in
// docs/api, which notebooks/api links to. `npm run docs` writes it and fails on
// an undocumented export; `npm start` writes it in the background when it is
// missing, leniently, so a student's own edit of src/ never stops the course.
import { ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./jupyter";

export const API_INDEX = join(ROOT, "docs", "api", "index.html");

/** Start TypeDoc when docs/api is missing; null when there is nothing to do. */
export function writeDocsIfMissing(say: (line: string) => void): ChildProcess | null {
  if (existsSync(API_INDEX)) return null;
  // TypeDoc's own CLI, not its bin/typedoc, which forks the CLI into a child
  // of its own: stopping npm start stops this process, and there must be no other.
  const typedoc = join(ROOT, "node_modules", "typedoc", "dist", "cli.js");
  if (!existsSync(typedoc)) {
    say("docs: TypeDoc is not installed (npm ci installs it); the API reference link stays empty");
    return null;
  }
  say("docs: writing the API reference to docs/api (about 20 s, in the background)");
  const started = Date.now();
  const child = spawn(process.execPath, [typedoc, "--treatWarningsAsErrors", "false", "--logLevel", "Error"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  child.on("exit", (code) => say(code === 0 ? `docs: the API reference is ready (${((Date.now() - started) / 1000).toFixed(0)} s): notebooks/api/index.html` : `docs: TypeDoc failed (${errors.trim().split("\n")[0] || `exit ${code}`}); try npm run docs`));
  child.on("error", (err) => say(`docs: TypeDoc did not start (${err.message})`));
  return child;
}
