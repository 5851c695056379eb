// A wait with an end: a timeout and the caller's AbortSignal folded into one
// signal, so the code that waits listens to a single thing and the code that
// cleans up calls one dispose() in `finally`.
import { performance } from "node:perf_hooks";

/**
 * Wall-clock time in milliseconds since 1970, with sub-millisecond
 * precision (performance.timeOrigin + performance.now()). Datagram and send
 * times use it, so a send time and a receive time from two processes on the
 * same machine can be subtracted.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export interface Deadline {
  /** Aborts when the time is up or the caller's signal aborts, whichever comes first. */
  readonly signal: AbortSignal;
  /** True once the time ran out (as opposed to the caller aborting). */
  readonly timedOut: boolean;
  /** True once the caller's signal aborted. */
  readonly aborted: boolean;
  readonly startedAt: number;
  elapsedMs(): number;
  /** Stops the timer and unhooks the caller's signal; call it in `finally`. */
  dispose(): void;
}

/** Starts a deadline `timeoutMs` from now (none when timeoutMs is Infinity), also ended by `signal`. */
export function deadline(timeoutMs: number, signal?: AbortSignal): Deadline {
  const controller = new AbortController();
  const startedAt = now();
  let timedOut = false;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    controller.abort(signal?.reason);
  };
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
        timedOut = true;
        controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs)
    : undefined;
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    get aborted() {
      return aborted;
    },
    startedAt,
    elapsedMs: () => now() - startedAt,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/**
 * The error a wait rejects with when the caller aborts it, shaped like
 * Node's own (name "AbortError", code "ABORT_ERR"), with the signal's reason
 * as its cause.
 */
export function abortError(reason?: unknown, what = "the wait"): Error {
  const error = new Error(`${what} was aborted`) as Error & { code: string; cause?: unknown };
  error.name = "AbortError";
  error.code = "ABORT_ERR";
  if (reason !== undefined) error.cause = reason;
  return error;
}
