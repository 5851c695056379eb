// What send and receive share. First the checks at their door: a multicast
// endpoint is a (group, port) pair, a payload fits in one UDP datagram, and
// an options object names only options that exist (a typo like `tll` must not
// quietly leave the TTL at its default). Then bind and close as promises, so
// both can `await` them and close in `finally`.
import type { Socket } from "node:dgram";
import { parseIPv4 } from "../addresses/address";
import { isMulticast } from "../addresses/blocks";
import { ArgumentError, checkInteger } from "../util/errors";

/** The most a UDP datagram over IPv4 can carry: 65535 - 20 (IP header) - 8 (UDP header). */
export const MAX_UDP_PAYLOAD = 65_507;

const MULTICAST = "a multicast address in 224.0.0.0/4 (top 4 bits 1110: 224.0.0.0 to 239.255.255.255)";

/** Checks a group address (strict dotted-decimal, in 224.0.0.0/4) and returns it. */
export function checkGroup(argument: string, value: unknown): string {
  if (typeof value !== "string") throw new ArgumentError(argument, value, MULTICAST);
  const number = parseIPv4(value, argument);
  if (!isMulticast(number)) {
    const top = (number >>> 28).toString(2).padStart(4, "0");
    throw new ArgumentError(argument, value, MULTICAST, `its top 4 bits are ${top}`);
  }
  return value;
}

export function checkPort(argument: string, value: unknown): number {
  return checkInteger(argument, value, 1, 65535);
}

/** Checks a payload (text is sent as UTF-8) and returns its bytes. */
export function checkPayload(argument: string, value: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === "string") bytes = Buffer.from(value, "utf8");
  else if (value instanceof Uint8Array) bytes = value;
  else throw new ArgumentError(argument, value, "text or a Uint8Array");
  if (bytes.length > MAX_UDP_PAYLOAD) {
    // The bytes, not the text, go in the error: it shows as "65508 bytes", not 64 KB of quotes.
    throw new ArgumentError(argument, bytes, `at most ${MAX_UDP_PAYLOAD} bytes`, "a UDP datagram over IPv4 carries at most 65535 - 20 (IP header) - 8 (UDP header)");
  }
  return bytes;
}

export function checkBoolean(argument: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ArgumentError(argument, value, "true or false");
  return value;
}

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

/** Binds and resolves, or rejects with the bind error instead of leaving it to an 'error' event. */
export function bind(socket: Socket, port: number, address?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    socket.once("error", onError);
    socket.bind(port, address, () => {
      socket.off("error", onError);
      resolve();
    });
  });
}

/**
 * Closes a socket (if still open) and resolves once its handle is released.
 * Node emits 'close' before libuv has run the handle's close callback; two
 * turns of the event loop later it has, so a caller counting open handles
 * (process.getActiveResourcesInfo()) sees it gone.
 */
export function closeSocket(socket: Socket): Promise<void> {
  const released = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
  return new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  }).then(released);
}
