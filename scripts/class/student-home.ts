// Run by the hub (as root) before a student's server starts: their home (in
// --test-login mode, where they have no account) and their own copy of the
// notebooks in it, made on the first login and never touched again, so what
// they wrote survives every later login, a new course version included.
//
//   node dist/scripts/class/student-home.js --home DIR --uid N --gid N
import { chmodSync, cpSync, existsSync, lchownSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { NOTEBOOKS } from "../jupyter";
import { linkCourse } from "../course-link";
import { COURSE_FOLDER } from "./settings";

/** What a student's copy holds from notebooks/: the notebooks and their pages, in each edition's folder. */
function courseFiles(dir: string, rel = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = join(rel, entry.name);
    if (entry.isFile() && /\.(ipynb|md)$/.test(entry.name)) files.push(path);
    // ko/ and the like; node_modules and the generated api/ are not the student's to keep.
    else if (entry.isDirectory() && rel === "" && /^[a-z]{2}$/.test(entry.name)) files.push(...courseFiles(dir, path));
  }
  return files;
}

function chownTree(path: string, uid: number, gid: number): void {
  lchownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

/** Make `home` (0700, the student's) if missing and the course copy in it if missing; returns what it made. */
export function prepareHome(home: string, uid: number, gid: number): string[] {
  const made: string[] = [];
  if (!existsSync(home)) {
    mkdirSync(dirname(home), { recursive: true });
    mkdirSync(home, { mode: 0o700 });
    chmodSync(home, 0o700);
    lchownSync(home, uid, gid);
    made.push(home);
  }
  const copy = join(home, COURSE_FOLDER);
  if (existsSync(copy) || isLink(copy)) return made;
  // Built under another name, ours alone until it is complete, then renamed in.
  const partial = join(home, `.${COURSE_FOLDER}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { mode: 0o700 });
  for (const file of courseFiles(NOTEBOOKS)) {
    mkdirSync(dirname(join(partial, file)), { recursive: true });
    cpSync(join(NOTEBOOKS, file), join(partial, file));
  }
  linkCourse(partial);
  chmodSync(partial, 0o755);
  chownTree(partial, uid, gid);
  renameSync(partial, copy);
  made.push(copy);
  return made;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const value = (name: string): string => {
    const i = args.indexOf(name);
    const v = i >= 0 ? args[i + 1] : undefined;
    if (v === undefined) throw new Error(`student-home: ${name} is required (usage: --home DIR --uid N --gid N)`);
    return v;
  };
  const id = (name: string): number => {
    const v = value(name);
    if (!/^\d+$/.test(v)) throw new Error(`student-home: ${name} must be a number, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  const home = value("--home");
  if (!home.startsWith("/")) throw new Error(`student-home: --home must be an absolute path, got ${JSON.stringify(home)}`);
  for (const made of prepareHome(home, id("--uid"), id("--gid"))) console.log(`student-home: made ${made}`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
