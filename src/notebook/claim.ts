// The prose beside a live result says what the result shows ("both receivers
// got the message"). A busy machine, another kernel or a slow start can make a
// run differ, and then the text would be wrong beside the output. A cell
// states the prose's claim with claim(); when the run does not bear it out,
// the cell says so in a visible note, instead of leaving the student to trust
// a sentence the output contradicts. The notebook tests look for that note.

/** The first words of the note, for whoever scans outputs for it. */
export const CLAIM_NOTE = "⚠ this run differs from the text:";

/**
 * State what the text beside this cell says about its result. Nothing is
 * printed when `holds` is true; otherwise a note naming the claim and, when
 * given, what the run did instead.
 */
export function claim(statement: string, holds: boolean, instead?: string): void {
  if (typeof statement !== "string" || statement.trim() === "") throw new TypeError(`claim(statement, holds): statement must be the text's claim as a sentence; got ${JSON.stringify(statement)}`);
  if (typeof holds !== "boolean") throw new TypeError(`claim(statement, holds): holds must be true or false; got ${typeof holds}`);
  if (!holds) console.log(`${CLAIM_NOTE} it says ${statement}${instead ? `, but ${instead}` : ", but this run did not show that"}. Run the cell again; if it keeps differing, the machine may be too busy (tell your instructor).`);
}
