// The language the module speaks to a student: English, or Korean for the
// Korean edition of the course (its first cell calls `mc.lang("ko")`).
//
// A message is written once, where it is used, in both languages side by side
// (`say(en, ko)`), so that a new message cannot be added in one language only
// without it showing in review. The choice is read when the message is made:
// in a kernel that is the notebook's language; in the grader's process, which
// checks submissions of both editions at once, each check runs inside
// `withLang` (an AsyncLocalStorage), so that one submission's language cannot
// leak into another's verdict.
import { AsyncLocalStorage } from "node:async_hooks";
import { ArgumentError } from "../util/errors";

export const LANGS = ["en", "ko"] as const;
/** A language the course is taught in: `"en"` (English) or `"ko"` (Korean). */
export type Lang = (typeof LANGS)[number];

let chosen: Lang = "en";
const scoped = new AsyncLocalStorage<Lang>();

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

/**
 * The language of the module's messages to you (check verdicts, hints, the
 * preflight table, figure titles and axes): `mc.lang("ko")` for Korean,
 * `mc.lang("en")` for English. Without an argument it says which is in use.
 * Error messages for bad arguments stay in English.
 */
export function lang(to?: Lang): Lang {
  if (to === undefined) return currentLang();
  if (!isLang(to)) throw new ArgumentError("lang(to): to", to, `one of ${LANGS.map((l) => JSON.stringify(l)).join(", ")}`);
  chosen = to;
  return chosen;
}

export function currentLang(): Lang {
  return scoped.getStore() ?? chosen;
}

/** Run `fn` (and everything it awaits) with the module speaking `language`. */
export function withLang<T>(language: Lang, fn: () => T): T {
  return scoped.run(language, fn);
}

/** The message in the language in use: write both, side by side, where the message is made. */
export function say(en: string, ko: string): string {
  return currentLang() === "ko" ? ko : en;
}
