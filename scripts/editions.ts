// `npm run editions`: the course in other languages than English, made from
// the English notebooks (the one home of every code cell) and the prose kept
// in i18n/<lang>/<notebook>.json, keyed by cell id. A code change is made once,
// in English, and reaches every edition at the next run; prose is the only
// thing a translator writes.
//
// Each translation carries the fingerprint of the English it was made from,
// so an English cell edited after its translation is caught (`--check`, and
// the test of the same name), as are a prose cell with no translation and a
// translation whose cell is gone.
//
//   npm run editions                 write notebooks/<lang>/ (and its pages)
//   npm run editions -- --check      say what is missing, stale or out of date; exit 1 if anything is
//   npm run editions -- --todo       print the English of every cell still to translate
//   npm run editions -- --stamp      record the fingerprint in translations that have none yet
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { courseNotebooks, NOTEBOOKS, ROOT } from "./jupyter";
import { Cell, cellSource, Notebook, readNotebook, sourceLines } from "./notebook";
import type { Lang } from "../src/i18n/lang";

/** An edition other than the English one: where its prose lives and where its notebooks go. */
export interface Edition {
  lang: Exclude<Lang, "en">;
  /** The translations: <notebook>.json, and the course's pages (cheatsheet.md, glossary.md). */
  prose: string;
  /** The notebooks made from them, beside the English ones. */
  notebooks: string;
}

export const EDITIONS: Edition[] = [{ lang: "ko", prose: join(ROOT, "i18n", "ko"), notebooks: join(NOTEBOOKS, "ko") }];

/** The pages beside the notebooks that an edition translates whole. */
export const EDITION_PAGES = ["cheatsheet.md", "glossary.md"];

export interface Translation {
  /** The fingerprint of the English source it was made from (`fingerprint`). */
  en?: string;
  text: string;
}

export interface TranslationFile {
  notebook: string;
  cells: Record<string, Translation>;
}

/** The cells an edition translates: prose (markdown). Code cells are the English ones, word for word. */
export function isProse(cell: Cell): boolean {
  return cell.cell_type === "markdown";
}

/** Twelve hex digits of the English text's SHA-256: enough to tell an edit, short enough to read in a diff. */
export function fingerprint(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

export function translationPath(edition: Edition, notebook: string): string {
  return join(edition.prose, notebook.replace(/\.ipynb$/, ".json"));
}

export function readTranslations(edition: Edition, notebook: string): TranslationFile {
  const path = translationPath(edition, notebook);
  if (!existsSync(path)) return { notebook, cells: {} };
  let file: TranslationFile;
  try {
    file = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: not JSON (${(err as Error).message})`);
  }
  if (!file || typeof file !== "object" || typeof file.cells !== "object" || file.cells === null) throw new Error(`${path}: must be {"notebook": ..., "cells": {"<cell id>": {"en": ..., "text": ...}}}`);
  for (const [id, t] of Object.entries(file.cells)) {
    if (!t || typeof t.text !== "string" || t.text.trim() === "") throw new Error(`${path}: cell ${id} has no "text"`);
  }
  return file;
}

function writeTranslations(edition: Edition, file: TranslationFile): void {
  mkdirSync(edition.prose, { recursive: true });
  writeFileSync(translationPath(edition, file.notebook), JSON.stringify(file, null, 1) + "\n");
}

/** The line an edition adds to the first code cell, after the import of the module: the module's messages follow the notebook. */
export function langLine(lang: Lang): string {
  return `mc.lang(${JSON.stringify(lang)});\n`;
}

const IMPORT = /^import \* as mc from "mcast-lab";\n/m;

/** What is wrong with an edition's prose for one notebook: each problem in a sentence. */
export function translationProblems(edition: Edition, notebook: string, english: Notebook = readNotebook(join(NOTEBOOKS, notebook))): string[] {
  const file = readTranslations(edition, notebook);
  const where = `i18n/${edition.lang}/${notebook.replace(/\.ipynb$/, ".json")}`;
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, cell] of english.cells.entries()) {
    if (!isProse(cell)) continue;
    if (!cell.id) {
      problems.push(`${notebook} cell ${i + 1} has no id (save the notebook with nbformat 4.5 or later)`);
      continue;
    }
    ids.add(cell.id);
    const t = file.cells[cell.id];
    if (!t) problems.push(`${where}: prose cell ${cell.id} (cell ${i + 1}, "${firstWords(cellSource(cell))}") has no translation`);
    else if (t.en !== fingerprint(cellSource(cell))) problems.push(`${where}: cell ${cell.id} was translated from other English (fingerprint ${t.en ?? "none"}, the English now is ${fingerprint(cellSource(cell))}): bring the translation up to date, then set "en" to ${fingerprint(cellSource(cell))}`);
  }
  for (const id of Object.keys(file.cells)) if (!ids.has(id)) problems.push(`${where}: cell ${id} is no prose cell of ${notebook} (any more): remove its translation`);
  const first = english.cells.find((c) => c.cell_type === "code");
  if (!first || !IMPORT.test(cellSource(first))) problems.push(`${notebook}: the first code cell does not import the module as mc, so the edition cannot set its language there`);
  return problems;
}

function firstWords(text: string): string {
  const words = text.replace(/\s+/g, " ").trim();
  return words.length > 50 ? words.slice(0, 47) + "..." : words;
}

/** The edition of one English notebook: its prose translated, its code the English code, its first code cell setting the language. */
export function editionOf(edition: Edition, notebook: string, english: Notebook = readNotebook(join(NOTEBOOKS, notebook))): Notebook {
  const problems = translationProblems(edition, notebook, english);
  if (problems.length) throw new Error(problems.join("\n"));
  const file = readTranslations(edition, notebook);
  const nb: Notebook = JSON.parse(JSON.stringify(english));
  let langSet = false;
  for (const cell of nb.cells) {
    if (isProse(cell)) cell.source = sourceLines(file.cells[cell.id!].text);
    else if (cell.cell_type === "code" && !langSet) {
      cell.source = sourceLines(cellSource(cell).replace(IMPORT, (line) => line + langLine(edition.lang)));
      langSet = true;
    }
  }
  const course = (nb.metadata.mcast_lab ?? {}) as Record<string, unknown>;
  nb.metadata.mcast_lab = { ...course, lang: edition.lang, edition_of: notebook };
  return nb;
}

function serialize(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + "\n";
}

/** Every file an edition writes, by path, with its content. */
export function editionFiles(edition: Edition): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of courseNotebooks()) files.set(join(edition.notebooks, name), serialize(editionOf(edition, name)));
  for (const page of EDITION_PAGES) {
    const from = join(edition.prose, page);
    if (!existsSync(from)) throw new Error(`i18n/${edition.lang}/${page} is missing: the edition's notebooks link to it`);
    files.set(join(edition.notebooks, page), readFileSync(from, "utf8"));
  }
  return files;
}

/** What --check reports: translation problems, and written files that differ from what the run would write. */
export function editionProblems(edition: Edition): string[] {
  const problems = courseNotebooks().flatMap((n) => translationProblems(edition, n));
  if (problems.length) return problems;
  let files: Map<string, string>;
  try {
    files = editionFiles(edition);
  } catch (err) {
    return [(err as Error).message];
  }
  for (const [path, text] of files) {
    const rel = path.slice(ROOT.length + 1);
    if (!existsSync(path)) problems.push(`${rel} is missing: run npm run editions`);
    else if (readFileSync(path, "utf8") !== text) problems.push(`${rel} is not what npm run editions makes from the English notebooks and i18n/${edition.lang}/: run it`);
  }
  const made = new Set([...files.keys()]);
  if (existsSync(edition.notebooks)) {
    for (const f of readdirSync(edition.notebooks)) {
      if (f.endsWith(".ipynb") && !made.has(join(edition.notebooks, f))) problems.push(`notebooks/${edition.lang}/${f} has no English notebook: remove it`);
    }
  }
  return problems;
}

function todo(edition: Edition): void {
  for (const name of courseNotebooks()) {
    const file = readTranslations(edition, name);
    for (const cell of readNotebook(join(NOTEBOOKS, name)).cells) {
      if (!isProse(cell) || !cell.id) continue;
      const t = file.cells[cell.id];
      if (t && t.en === fingerprint(cellSource(cell))) continue;
      console.log(`==== ${name} ${cell.id}${t ? " (stale)" : ""}\n${cellSource(cell)}\n`);
    }
  }
}

function stamp(edition: Edition): void {
  for (const name of courseNotebooks()) {
    const file = readTranslations(edition, name);
    const english = new Map(readNotebook(join(NOTEBOOKS, name)).cells.filter((c) => c.id).map((c) => [c.id!, cellSource(c)]));
    let changed = 0;
    for (const [id, t] of Object.entries(file.cells)) {
      if (t.en === undefined && english.has(id)) {
        t.en = fingerprint(english.get(id)!);
        changed++;
      }
    }
    if (changed) {
      writeTranslations(edition, { notebook: name, cells: Object.fromEntries(Object.entries(file.cells).map(([id, t]) => [id, { en: t.en, text: t.text }])) });
      console.log(`editions: ${translationPath(edition, name).slice(ROOT.length + 1)}: ${changed} fingerprints recorded`);
    }
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const known = ["--check", "--todo", "--stamp"];
  const bad = args.filter((a) => !known.includes(a));
  if (bad.length || args.length > 1) {
    console.error(`editions: ${bad.length ? `unknown argument ${bad[0]}` : "one option at a time"}\nusage: npm run editions [-- --check | --todo | --stamp]`);
    process.exit(2);
  }
  let failed = false;
  for (const edition of EDITIONS) {
    if (args[0] === "--todo") todo(edition);
    else if (args[0] === "--stamp") stamp(edition);
    else if (args[0] === "--check") {
      const problems = editionProblems(edition);
      for (const p of problems) console.error(`editions: ${p}`);
      if (problems.length) failed = true;
      else console.log(`editions: notebooks/${edition.lang}/ is up to date`);
    } else {
      try {
        const files = editionFiles(edition);
        mkdirSync(edition.notebooks, { recursive: true });
        for (const [path, text] of files) writeFileSync(path, text);
        console.log(`editions: wrote ${files.size} files to notebooks/${edition.lang}/`);
      } catch (err) {
        console.error(`editions: ${(err as Error).message}`);
        failed = true;
      }
    }
  }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
