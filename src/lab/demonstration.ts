// The lecture's demonstration with programs of the student's own in place of
// mcastrecv and mcastsend: receivers on eastny and flatbush (224.1.1.5) and
// bushwick (234.3.2.1), each joined on its host-only address, then midwood's
// "Hello, World!". Each program runs in its host (Host.call), so a wrong
// interface goes wrong on the lab's links, never on this machine's.
import type { Lab } from "./lab";
import type { Calling } from "./host";

type Program = (...args: never[]) => unknown;

/** The student's two programs the demonstration runs: sendTo and receiveOne. */
export interface Programs {
  sendTo: Program;
  receiveOne: Program;
}

/** One step of the lecture's demonstration run with the student's functions: the host, what it ran, and the result. */
export interface DemonstrationRow {
  host: string;
  ran: string;
  result: string;
}

const PORT = 50001;
const RECEIVERS = [
  { host: "eastny", group: "224.1.1.5", on: "192.168.56.101" },
  { host: "flatbush", group: "224.1.1.5", on: "192.168.56.104" },
  { host: "bushwick", group: "234.3.2.1", on: "192.168.56.105" },
];

function failure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return /not answered yet/.test(message) ? "not answered yet: write the function above and run its cell" : `failed: ${message}`;
}

/** Run the demonstration; each receiver waits `waitMs` (default 2000). One row per program, never a throw for a program's fault. */
export async function lectureDemonstration(lab: Lab, programs: Programs, waitMs = 2000): Promise<DemonstrationRow[]> {
  const { sendTo, receiveOne } = programs ?? ({} as Programs);
  const rows: DemonstrationRow[] = [];
  const running: Array<{ row: DemonstrationRow; calling?: Calling }> = [];
  for (const r of RECEIVERS) {
    const row = { host: r.host, ran: `receiveOne("${r.group}", ${PORT}, "${r.on}", ${waitMs})`, result: "" };
    rows.push(row);
    try {
      if (typeof receiveOne !== "function") throw new Error("receiveOne is not defined: run its cell first");
      running.push({ row, calling: lab.host(r.host).call(receiveOne, [r.group, PORT, r.on, waitMs], { timeoutMs: waitMs + 1000 }) });
    } catch (err) {
      row.result = failure(err);
    }
  }
  try {
    await Promise.all(running.map((x) => x.calling!.calling.catch(() => undefined)));
    // Send once the receivers have joined (a receiver that joins elsewhere, or never, is not waited for long).
    await Promise.all(RECEIVERS.map((r) => lab.host(r.host).waitForGroup(r.group, { interface: "eth1", timeoutMs: 1000 }).catch(() => undefined)));
    const send = { host: "midwood", ran: `sendTo("224.1.1.5", ${PORT}, "Hello, World!", { from: "192.168.56.103", ttl: 1 })`, result: "" };
    rows.push(send);
    try {
      if (typeof sendTo !== "function") throw new Error("sendTo is not defined: run its cell first");
      await lab.host("midwood").call(sendTo, ["224.1.1.5", PORT, "Hello, World!", { from: "192.168.56.103", ttl: 1 }]);
      send.result = "sent";
    } catch (err) {
      send.result = failure(err);
    }
    for (const { row, calling } of running) {
      try {
        const { value } = await calling!;
        row.result = value === null ? "null: nothing came" : `got ${JSON.stringify(value)}`;
      } catch (err) {
        row.result = failure(err);
      }
    }
  } finally {
    for (const { calling } of running) calling?.cancel();
  }
  return rows;
}
