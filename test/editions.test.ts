// The Korean edition is made, not written: notebooks/ko/ is what
// `npm run editions` makes from the English notebooks and i18n/ko/, its code
// cells are the English ones, and a prose cell without a translation, a
// translation of English that has since changed, and a translation whose cell
// is gone are each reported.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Edition, EDITIONS, editionOf, editionProblems, langLine, readTranslations, translationPath, translationProblems } from "../scripts/editions";
import { courseNotebooks, NOTEBOOKS } from "../scripts/jupyter";
import { cellSource, readNotebook } from "../scripts/notebook";

const ko = EDITIONS.find((e) => e.lang === "ko")!;
const work = mkdtempSync(join(tmpdir(), "mcast-editions-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("notebooks/ko/ is up to date with the English notebooks and every prose cell is translated", () => {
  assert.deepEqual(editionProblems(ko), []);
});

test("the Korean notebooks' code cells are the English ones; only the first sets the language", () => {
  for (const name of courseNotebooks()) {
    const en = readNotebook(join(NOTEBOOKS, name));
    const kr = readNotebook(join(ko.notebooks, name));
    assert.equal(kr.cells.length, en.cells.length, name);
    assert.equal((kr.metadata.mcast_lab as { lang?: string }).lang, "ko");
    let first = true;
    for (const [i, cell] of en.cells.entries()) {
      const other = kr.cells[i];
      assert.equal(other.cell_type, cell.cell_type, `${name} cell ${i + 1}`);
      assert.deepEqual(other.metadata, cell.metadata, `${name} cell ${i + 1}: same metadata (grade_ids, ids)`);
      if (cell.cell_type !== "code") {
        assert.match(cellSource(other), /[\uac00-\ud7a3]/, `${name} cell ${i + 1} is in Korean`);
        continue;
      }
      const expected: string = first ? cellSource(cell).replace(/^(import \* as mc from "mcast-lab";\n)/m, `$1${langLine("ko")}`) : cellSource(cell);
      assert.equal(cellSource(other), expected, `${name} cell ${i + 1}`);
      first = false;
    }
  }
});

test("a missing, stale or orphaned translation is named, with the cell and what to do", () => {
  const prose = join(work, "prose");
  cpSync(ko.prose, prose, { recursive: true });
  const edition: Edition = { lang: "ko", prose, notebooks: join(work, "notebooks") };
  const name = "01-addresses.ipynb";
  assert.deepEqual(translationProblems(edition, name), []);
  const file = readTranslations(edition, name);
  const [gone, stale] = Object.keys(file.cells);
  delete file.cells[gone];
  file.cells[stale].en = "000000000000";
  file.cells["no-such-cell"] = { en: "000000000000", text: "옛 셀" };
  writeFileSync(translationPath(edition, name), JSON.stringify(file));
  const problems = translationProblems(edition, name);
  assert.equal(problems.length, 3, problems.join("\n"));
  assert.match(problems[0], new RegExp(`prose cell ${gone} \\(cell \\d+, ".+"\\) has no translation`));
  assert.match(problems[1], new RegExp(`cell ${stale} was translated from other English \\(fingerprint 000000000000, the English now is [0-9a-f]{12}\\)`));
  assert.match(problems[2], /cell no-such-cell is no prose cell of 01-addresses.ipynb \(any more\): remove its translation/);
  assert.throws(() => editionOf(edition, name), /has no translation/, "an edition is not made from incomplete prose");
  writeFileSync(translationPath(edition, name), "{ not json");
  assert.throws(() => translationProblems(edition, name), /01-addresses\.json: not JSON/);
});
