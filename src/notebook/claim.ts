// The prose beside a live result says what the result shows ("both receivers
// got the message"). A busy machine, another kernel or a slow start can make a
// run differ, and then the text would be wrong beside the output. A cell
// states the prose's claim with claim(); when the run does not bear it out,
// the cell says so in a visible note, instead of leaving the student to trust
// a sentence the output contradicts. The notebook tests look for that note.

import { say } from "../i18n/lang";

/** The first words of the note, for whoever scans outputs for it (in English; CLAIM_NOTES has every edition's). */
export const CLAIM_NOTE = "⚠ this run differs from the text:";
export const CLAIM_NOTES = [CLAIM_NOTE, "⚠ 이번 실행 결과가 본문과 다릅니다:"];

/**
 * State what the text beside this cell says about its result. Nothing is
 * printed when `holds` is true; otherwise a note naming the claim and, when
 * given, what the run did instead.
 */
export function claim(statement: string, holds: boolean, instead?: string): void {
  if (typeof statement !== "string" || statement.trim() === "") throw new TypeError(`claim(statement, holds): statement must be the text's claim as a sentence; got ${JSON.stringify(statement)}`);
  if (typeof holds !== "boolean") throw new TypeError(`claim(statement, holds): holds must be true or false; got ${typeof holds}`);
  if (holds) return;
  // The statement and `instead` are the notebook's own words (code cells stay English in every edition).
  console.log(
    say(
      `${CLAIM_NOTES[0]} it says ${statement}${instead ? `, but ${instead}` : ", but this run did not show that"}. Run the cell again; if it keeps differing, the machine may be too busy (tell your instructor).`,
      `${CLAIM_NOTES[1]} 본문은 "${statement}"라고 하지만, ${instead ? `이번 실행에서는 ${instead}` : "이번 실행은 그것을 보여 주지 못했습니다"}. 셀을 다시 실행해 보세요. 계속 다르면 컴퓨터가 너무 바쁜 것일 수 있습니다(담당 교수자에게 알려 주세요).`,
    ),
  );
}
