// What send and receive share. First the checks at their door: a multicast
// endpoint is a (group, port) pair and a payload fits in one UDP datagram
// (options objects are checked by util/options.ts). Then bind and close as
// promises, so both can `await` them and close in `finally`.
import type { Socket } from "node:dgram";
import { GROUP_EXPECTED, groupNumber } from "../addresses/blocks";
import { ArgumentError, checkInteger } from "../util/errors";

/** The most a UDP datagram over IPv4 can carry: 65535 - 20 (IP header) - 8 (UDP header). */
export const MAX_UDP_PAYLOAD = 65_507;

/** Checks a group address (strict dotted-decimal, in 224.0.0.0/4) and returns it. */
export function checkGroup(argument: string, value: unknown): string {
  if (typeof value !== "string") throw new ArgumentError(argument, value, GROUP_EXPECTED);
  groupNumber(value, argument);
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
