// Errors for bad input, checked at the door of every public function: the
// message names the argument, the value it got and what is allowed, the way
// Node's own ERR_INVALID_ARG_VALUE does, so a student can fix the call from
// the message alone.

/** A bad argument: names the argument, shows the value, says what is allowed (and why, when it helps). */
export class ArgumentError extends TypeError {
  readonly code = "ERR_MCAST_ARGUMENT";
  constructor(
    /** The argument's name as the caller wrote it, e.g. "group" or "options.ttl". */
    readonly argument: string,
    /** The value that was refused. */
    readonly value: unknown,
    /** What is allowed, e.g. "a multicast address in 224.0.0.0/4". */
    readonly allowed: string,
    /** Optionally, why this rule exists. */
    readonly why?: string,
  ) {
    super(`${argument} must be ${allowed}; got ${showValue(value)}${why ? ` (${why})` : ""}`);
    this.name = "ArgumentError";
  }
}

/** A value as a student would recognise it in a message. */
export function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? text.slice(0, 77) + "..." : text;
  } catch {
    return "an object";
  }
}

export function checkInteger(argument: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ArgumentError(argument, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

export function checkTimeout(argument: string, value: unknown, maxMs = 600_000): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > maxMs) {
    throw new ArgumentError(argument, value, `a time in milliseconds, more than 0 and at most ${maxMs}`);
  }
  return value;
}

export function checkSignal(argument: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || typeof (value as AbortSignal).aborted !== "boolean") {
    throw new ArgumentError(argument, value, "an AbortSignal (or left out)");
  }
  return value as AbortSignal;
}

/** Checks a true/false argument (a string "false" is not false). */
export function checkBoolean(argument: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ArgumentError(argument, value, "true or false");
  return value;
}
