// A private copy of the course for one graded kernel: what the kernel can
// write to is the copy, so an answer that writes into the course folder
// changes nothing the next submission sees, and the change is found by
// comparing the copy with the course afterwards.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { createHash } from "node:crypto";
import { ROOT } from "./jupyter";
import { linkCourse } from "./course-link";

/** The folders of the course a kernel loads code from. */
const COPIED = ["src", "dist"];

export interface CourseCopy {
  root: string;
  /** Where the graded notebook goes and the kernel runs (its node_modules/mcast-lab is the copy). */
  notebooks: string;
  /** Every copied file's digest right after copying, by path relative to root. */
  baseline: Map<string, string>;
}

/** Copy the course into `dir` (package.json, src/, dist/; node_modules by a link). */
export function copyCourse(dir: string): CourseCopy {
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, "package.json"), join(dir, "package.json"));
  // Times kept: the build must stay newer than its sources, or the import says it is stale.
  for (const folder of COPIED) cpSync(join(ROOT, folder), join(dir, folder), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const notebooks = join(dir, "notebooks");
  mkdirSync(notebooks);
  // mcast-lab is this copy, so the kernel runs the copied build.
  linkCourse(notebooks, dir);
  return { root: dir, notebooks, baseline: snapshot(dir) };
}

/** The digests of what a kernel may change in its copy: src/, dist/, package.json. */
function snapshot(root: string): Map<string, string> {
  const all = new Map<string, string>();
  for (const folder of COPIED) for (const [path, sum] of files(join(root, folder))) all.set(join(folder, path), sum);
  all.set("package.json", digest(join(root, "package.json")));
  return all;
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
  const now = existsSync(join(copy.root, "package.json")) ? snapshot(copy.root) : new Map<string, string>();
  const changed: string[] = [];
  for (const [path, sum] of now) if (copy.baseline.get(path) !== sum) changed.push(path);
  for (const path of copy.baseline.keys()) if (!now.has(path)) changed.push(path);
  for (const entry of readdirSync(copy.notebooks)) {
    if (entry === "node_modules" || ignore.includes(entry)) continue;
    changed.push(join("notebooks", entry));
  }
  return changed.sort();
}
