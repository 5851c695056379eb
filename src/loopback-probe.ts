// Small live experiments on 127.0.0.1 for notebook 2 and its checks: keep
// sending until someone answers, and find out who really receives a datagram.
// Loopback only: nothing here touches a real interface.
import { ArgumentError, checkInteger, checkTimeout } from "./errors";
import { groupNumber } from "./blocks";
import { openReceiver, Receiver } from "./receive";
import { send } from "./send";

const LOOPBACK = "127.0.0.1";

export interface SendUntilOptions {
  group: string;
  port: number;
  message: string;
  /** Stop sending once this settles (e.g. the receiver under test answered). */
  until: Promise<unknown>;
  everyMs?: number;
  timeoutMs?: number;
}

/**
 * Send the same datagram on loopback every `everyMs` until `until` settles or
 * the deadline passes; resolves with how many were sent. A receiver that is
 * still joining when the first one leaves gets a later one.
 */
export async function sendUntil(options: SendUntilOptions): Promise<number> {
  if (!options || typeof options !== "object") throw new ArgumentError("options", options, "{ group, port, message, until }");
  if (!options.until || typeof (options.until as Promise<unknown>).then !== "function") {
    throw new ArgumentError("until", options.until, "a promise (sending stops when it settles)");
  }
  const everyMs = checkInteger("everyMs", options.everyMs ?? 100, 10, 10_000);
  const timeoutMs = checkTimeout("timeoutMs", options.timeoutMs ?? 3000);
  let settled = false;
  options.until.then(() => (settled = true), () => (settled = true));
  const deadline = Date.now() + timeoutMs;
  let sent = 0;
  while (!settled && Date.now() < deadline) {
    await send({ group: options.group, port: options.port, message: options.message, from: LOOPBACK });
    sent++;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return sent;
}

/**
 * Open one loopback receiver per entry of `joined` (name -> group, all on
 * `port`), send one datagram to `sentTo`, and return the names of those that
 * got it, sorted. Every socket is closed before it returns.
 */
export async function whoReceives(joined: Record<string, string>, sentTo: string, port: number, waitMs = 300): Promise<string[]> {
  if (!joined || typeof joined !== "object" || Array.isArray(joined)) {
    throw new ArgumentError("joined", joined, 'an object of receiver name -> group, such as { eastny: "224.1.1.5" }');
  }
  groupNumber(sentTo, "sentTo");
  checkInteger("port", port, 1, 65535);
  const receivers: [string, Receiver][] = [];
  try {
    for (const [name, group] of Object.entries(joined)) {
      receivers.push([name, await openReceiver({ group, port, on: LOOPBACK, timeoutMs: waitMs })]);
    }
    await send({ group: sentTo, port, message: `to ${sentTo}`, from: LOOPBACK });
    const got: string[] = [];
    for (const [name, receiver] of receivers) {
      const result = await receiver.collect({ timeoutMs: waitMs });
      if (result.datagrams.length > 0) got.push(name);
    }
    return got.sort();
  } finally {
    await Promise.all(receivers.map(([, r]) => r.close()));
  }
}
