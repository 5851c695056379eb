// Run as the student (the hub starts it with their uid) before their server
// starts: their own copy of the notebooks, in their home, made at the first
// login and never touched again, so what they wrote survives every later
// login, a new course version included. Run as the student and not as root,
// so that nothing a student puts in their home (a link, a folder renamed at
// the right moment) can make root write anywhere.
//
//   node dist/scripts/class/student-home.js --home DIR
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
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

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Make the course copy in `home` unless there is one; returns its path when it made it. */
export function prepareCopy(home: string): string | undefined {
  const copy = join(home, COURSE_FOLDER);
  if (existsSync(copy) || isLink(copy)) return undefined;
  // Built under another name, then renamed in: a copy is whole or absent.
  const partial = join(home, `.${COURSE_FOLDER}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  for (const file of courseFiles(NOTEBOOKS)) {
    mkdirSync(dirname(join(partial, file)), { recursive: true });
    cpSync(join(NOTEBOOKS, file), join(partial, file));
  }
  linkCourse(partial);
  // Theirs alone, whatever their home's mode (useradd's default is 0755).
  chmodSync(partial, 0o700);
  renameSync(partial, copy);
  return copy;
}

function main(): void {
  const args = process.argv.slice(2);
  const i = args.indexOf("--home");
  const home = i >= 0 ? args[i + 1] : undefined;
  if (!home || !home.startsWith("/") || args.length !== 2) throw new Error(`student-home: usage: --home DIR (an absolute path), got ${JSON.stringify(args)}`);
  if (process.getuid?.() === 0) throw new Error("student-home: run it as the student, not as root (the hub does)");
  if (!existsSync(home)) throw new Error(`student-home: ${home} does not exist: a student's home is made with their account (or, in --test-login mode, by the hub)`);
  const made = prepareCopy(home);
  if (made) console.log(`student-home: made ${made}`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
