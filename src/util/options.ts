// The door for an options object: a plain object whose names all exist, so a
// typo like `tll` fails with "did you mean \"ttl\"?" instead of quietly
// leaving the TTL at its default.
import { ArgumentError } from "./errors";

/**
 * Checks that `options` is a plain object whose keys are all in `known`, and
 * returns it. An unknown name gets a suggestion when it is one or two edits
 * away from a known one.
 */
export function checkOptions<T extends object>(fn: string, options: unknown, known: readonly string[], example: string): T {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ArgumentError(`${fn}'s options`, options, `an object like ${example}`);
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const near = nearest(name, known);
    throw new ArgumentError(`an option name of ${fn}()`, name, `one of ${known.join(", ")}`, near ? `did you mean "${near}"?` : undefined);
  }
  return options as T;
}

/** The known name closest to `name`, if close enough to be a likely typo (short names allow fewer edits). */
function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(k.toLowerCase(), name.toLowerCase());
    if (d <= Math.min(2, Math.ceil(k.length / 3)) && d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance, for "did you mean"; names are short, so the plain table is fine. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}
