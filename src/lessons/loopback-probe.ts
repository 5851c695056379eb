// A small live experiment on 127.0.0.1 for notebook 2's check: find out who
// really receives a datagram.
// Loopback only: nothing here touches a real interface.
import { ArgumentError, checkInteger } from "../util/errors";
import { groupNumber } from "../addresses/blocks";
import { openReceiver, Receiver } from "../sockets/receive";
import { send } from "../sockets/send";

const LOOPBACK = "127.0.0.1";

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
