// The module's language: mc.lang at the door, say() following it, withLang
// keeping one grading's language out of another's, and the messages a
// student reads most (verdicts, hints, the preflight table, figures) in
// Korean when the notebook is Korean.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as mc from "../src/index";
import { currentLang, say, withLang } from "../src/i18n/lang";
import { ExerciseSpec } from "../src/homework/case";
import { evaluate, verdictLines } from "../src/homework/evaluate";
import { EXERCISES } from "../src/homework/exercises/index";
import { preflightChecks } from "../src/notebook/preflight";
import { addressSpaceFigure } from "../src/addresses/figures";

const HANGUL = /[\uac00-\ud7a3]/;

test("mc.lang switches the language, says which is in use, and refuses a language the course has not", () => {
  assert.equal(mc.lang(), "en");
  try {
    assert.equal(mc.lang("ko"), "ko");
    assert.equal(mc.lang(), "ko");
    assert.equal(say("yes", "예"), "예");
  } finally {
    mc.lang("en");
  }
  assert.equal(say("yes", "예"), "yes");
  assert.throws(() => mc.lang("fr" as mc.Lang), /lang\(to\): to must be one of "en", "ko"; got "fr"/);
  assert.throws(() => mc.lang("KO" as mc.Lang), /"KO"/, "nothing is coerced: KO is not ko");
  assert.equal(mc.lang(), "en", "a refused language changes nothing");
});

test("withLang holds for everything its function awaits, and two at once do not mix", async () => {
  const speak = async (delay: number) => {
    await new Promise((r) => setTimeout(r, delay));
    return say("en", "ko");
  };
  const [ko, en] = await Promise.all([withLang("ko", () => speak(30)), withLang("en", () => speak(10))]);
  assert.deepEqual([ko, en], ["ko", "en"]);
  assert.equal(currentLang(), "en", "outside withLang the module's own choice holds");
});

const spec = (id: string): ExerciseSpec => {
  const s = EXERCISES.get(id);
  assert.ok(s, id);
  return s;
};

test("a check's verdict and its hints are in Korean under ko, with the same cases and points as in English", async () => {
  const wrong = async () => ({ ok: true as const, value: false });
  const noLab = async () => assert.fail("no lab");
  const en = await evaluate(spec("addr-incidr"), wrong, { lab: noLab });
  const ko = await withLang("ko", () => evaluate(spec("addr-incidr"), wrong, { lab: noLab }));
  assert.deepEqual(ko.cases.map((c) => [c.ok, c.worth]), en.cases.map((c) => [c.ok, c.worth]));
  const koLines = withLang("ko", () => verdictLines(ko));
  assert.match(koLines.join("\n"), /아직입니다/);
  for (const c of ko.cases.filter((c) => !c.ok)) assert.match(c.detail, HANGUL, `case ${c.name} says why in Korean: ${c.detail}`);
  assert.doesNotMatch(verdictLines(en).join("\n"), HANGUL);
});

test("the preflight table and a figure's title and labels follow the language", () => {
  // The rows named by a product (Node.js, tcpdump) keep their name; the kernel and the lab are described.
  const row = (what: RegExp) => withLang("ko", () => preflightChecks()).find((c) => what.test(c.what));
  assert.ok(row(/^tslab 커널$/) && row(/^가상 실습 환경/), JSON.stringify(withLang("ko", () => preflightChecks())));
  assert.match(row(/^가상 실습 환경/)!.found, HANGUL);
  for (const c of preflightChecks()) assert.doesNotMatch(`${c.what} ${c.found} ${c.fix}`, HANGUL);
  const figure = withLang("ko", () => addressSpaceFigure()).outerHTML;
  assert.match(figure, /IPv4를 \/4 블록 열여섯 개로/);
  assert.match(figure, /멀티캐스트 224\.0\.0\.0\/4/);
  assert.doesNotMatch(addressSpaceFigure().outerHTML, HANGUL);
});
