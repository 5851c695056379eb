// `npm run class -- collect --out DIR`: each student's exercise notebooks, as
// they are in their home now, copied into DIR/<student>/ (edition folders
// such as ko/ kept), ready for `npm run grade -- DIR/*/*.ipynb`.
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readNotebook } from "../notebook";
import { exercisesOf } from "../exercises";
import { courseNotebooks, NOTEBOOKS } from "../jupyter";
import { LANGS } from "../../src/i18n/lang";
import { accountHome } from "./accounts";
import { ClassSettings } from "./settings";

export interface Collected {
  student: string;
  home: string;
  copied: string[];
  /** Of those, the ones the student never changed (collected so that the grades say 0, not nothing). */
  unchanged: string[];
  /** Exercise notebooks the student's copy does not have in any edition (deleted or renamed). */
  missing: string[];
}

/** The course's notebooks with exercises, by path relative to notebooks/ (ko/... included). */
export function exerciseNotebooks(): string[] {
  const found: string[] = [];
  for (const dir of ["", ...LANGS.filter((l) => l !== "en")]) {
    const folder = join(NOTEBOOKS, dir);
    if (!existsSync(folder)) continue;
    for (const f of courseNotebooks(folder)) if (exercisesOf(readNotebook(join(folder, f)), f).length) found.push(join(dir, f));
  }
  return found;
}

/** A student's home: in test-login mode under the class's state, else their account's. */
export function homeOf(s: ClassSettings, student: string): string {
  if (s.mode === "test-login") return join(s.homes, student);
  const home = accountHome(student);
  if (!home) throw new Error(`collect: ${student} has no account on this machine (getent passwd ${student} found nothing)`);
  return home;
}

/**
 * Copy each student's exercise notebooks into out/<student>/. Every copy has
 * both editions; of one notebook's editions, those the student changed are
 * collected, or the English one when they changed neither.
 */
export function collect(s: ClassSettings, students: string[], out: string): Collected[] {
  const byName = new Map<string, string[]>();
  for (const rel of exerciseNotebooks()) byName.set(basename(rel), [...(byName.get(basename(rel)) ?? []), rel]);
  const results: Collected[] = [];
  for (const student of students) {
    const home = homeOf(s, student);
    const copy = join(home, s.courseFolder);
    const r: Collected = { student, home, copied: [], unchanged: [], missing: [] };
    for (const [name, editions] of byName) {
      const present = editions.filter((rel) => existsSync(join(copy, rel)));
      if (present.length === 0) {
        r.missing.push(name);
        continue;
      }
      const changed = present.filter((rel) => !readFileSync(join(copy, rel)).equals(readFileSync(join(NOTEBOOKS, rel))));
      for (const rel of changed.length ? changed : [present[0]]) {
        const to = join(out, student, rel);
        mkdirSync(dirname(to), { recursive: true });
        cpSync(join(copy, rel), to);
        r.copied.push(to);
        if (!changed.length) r.unchanged.push(to);
      }
    }
    results.push(r);
  }
  return results;
}
