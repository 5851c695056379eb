// The module's layers, bottom to top. A file may import from its own folder
// and from folders below its own; an import that points up (or across, between
// two folders of one level) would tie a lower layer to what is built on it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "../scripts/jupyter";

const SRC = join(ROOT, "src");
const LEVEL: Record<string, number> = {
  util: 0,
  i18n: 1,
  addresses: 2,
  sockets: 3,
  lab: 4,
  cli: 4,
  capture: 5,
  experiment: 5,
  lessons: 6,
  notebook: 6,
  homework: 7,
  ".": 8,
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

/** The top folder of src/ a path is in ("." for src/ itself). */
function layerOf(path: string): string {
  const rel = relative(SRC, path);
  return rel.includes("/") ? rel.split("/")[0] : ".";
}

test("every folder of src/ has a place among the layers", () => {
  const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(folders.filter((f) => !(f in LEVEL)), []);
});

test("imports in src/ only point down the layers", () => {
  const wrong: string[] = [];
  for (const file of tsFiles(SRC)) {
    const from = layerOf(file);
    for (const m of readFileSync(file, "utf8").matchAll(/(?:from|import\(|require\()\s*"(\.{1,2}\/[^"]+)"/g)) {
      const to = layerOf(resolve(dirname(file), m[1]));
      if (to !== from && LEVEL[to] >= LEVEL[from]) wrong.push(`${relative(ROOT, file)} (${from}) imports ${m[1]} (${to})`);
    }
  }
  assert.deepEqual(wrong, []);
});
