// A private copy of the course for one graded kernel: what the kernel can
// write to is the copy, so an answer that writes into the course folder
// changes nothing the next submission sees, and the change is found by
// comparing the copy with the course afterwards.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { createHash } from "node:crypto";
import { ROOT } from "./jupyter";

/** The folders of the course a kernel loads code from. */
const COPIED = ["src", "dist"];

export interface CourseCopy {
  root: string;
  /** Where the graded notebook goes and the kernel runs (it holds `mcast`, a link to ../src). */
  notebooks: string;
}

/** Copy the course into `dir` (package.json, src/, dist/; node_modules by a link). */
export function copyCourse(dir: string): CourseCopy {
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, "package.json"), join(dir, "package.json"));
  for (const folder of COPIED) cpSync(join(ROOT, folder), join(dir, folder), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const notebooks = join(dir, "notebooks");
  mkdirSync(notebooks);
  symlinkSync("../src", join(notebooks, "mcast"));
  return { root: dir, notebooks };
}

function digest(path: string): string {
  return createHash("sha1").update(readFileSync(path)).digest("hex");
}

function files(dir: string, base = dir, out = new Map<string, string>()): Map<string, string> {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files(path, base, out);
    else if (entry.isFile()) out.set(relative(base, path), digest(path));
  }
  return out;
}

/** Paths (relative to the course) that the kernel added, changed or removed in its copy; `ignore` are its own. */
export function changesIn(copy: CourseCopy, ignore: string[]): string[] {
  const changed: string[] = [];
  for (const folder of COPIED) {
    const before = files(join(ROOT, folder));
    const after = files(join(copy.root, folder));
    for (const [path, sum] of after) if (before.get(path) !== sum) changed.push(join(folder, path));
    for (const path of before.keys()) if (!after.has(path)) changed.push(join(folder, path));
  }
  for (const entry of readdirSync(copy.notebooks)) {
    if (entry === "mcast" || ignore.includes(entry)) continue;
    changed.push(join("notebooks", entry));
  }
  if (statSync(join(copy.root, "package.json")).size !== statSync(join(ROOT, "package.json")).size || digest(join(copy.root, "package.json")) !== digest(join(ROOT, "package.json"))) {
    changed.push("package.json");
  }
  return changed.sort();
}
