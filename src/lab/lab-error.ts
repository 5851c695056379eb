// How the lab says it failed, and what to do about it: one wording for each.

/** A lab could not be built or has failed; the message says what to do. */
export class LabError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(fix ? `${message}\nFix: ${fix}` : message);
    this.name = "LabError";
  }
}

/** What every part of the course says when it needs a lab and none is up (the reason, when one is known). */
export function labIsDown(reason?: string): string {
  return `the lab is down${reason ? ` (${reason})` : ""}: bring it up with \`const lab = await mc.up()\` first`;
}
