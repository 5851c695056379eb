// Loss against sending rate: the same experiment (one sender, one receiver)
// at several rates, once per receive buffer size, one row per run. The
// receiver keeps up below some rate and falls behind above it; how much it
// then loses depends on how much its buffer can hold while it catches up.
import { ArgumentError, checkInteger, checkTimeout } from "../util/errors";
import { checkGroup } from "../sockets/endpoint";
import { checkOptions } from "../util/options";
import { progressLine } from "./progress";
import { experiment, LabLike } from "./realize";

/** What lossSweep() varies: the sending rates and the receive buffers. */
export interface SweepOptions {
  /** The sending host, e.g. "midwood". */
  from: string;
  /** The receiving host, e.g. "flatbush". */
  to: string;
  /** Default 224.1.1.5. */
  group?: string;
  /** Datagrams per run; default 20,000. */
  count?: number;
  /** Payload bytes; default 64. */
  size?: number;
  /** Datagrams per second to try, or "max". */
  rates: Array<number | "max">;
  /** SO_RCVBUF sizes to try, or "default" (the kernel's, net.core.rmem_default). */
  receiveBuffers: Array<number | "default">;
  /** Each run's deadline; default 10,000 ms. */
  deadlineMs?: number;
  /** Show which run is on in the cell; default true. */
  progress?: boolean;
}

/** One point of a sweep: rate, receive buffer, and the loss measured. */
export interface SweepRow {
  /** The receive buffer, as a label: "default (212,992 B)" or "4,194,304 B". */
  buffer: string;
  /** Asked for. */
  rate: number | "max";
  /** Achieved, datagrams per second. */
  perSecond: number | null;
  sent: number;
  received: number;
  lost: number;
  lostPercent: number;
  /** Growth of the receiver's Udp RcvbufErrors. */
  rcvbufErrors: number | null;
  /** What the kernel granted (twice what was set). */
  granted: number | null;
}

const FIELDS = ["from", "to", "group", "count", "size", "rates", "receiveBuffers", "deadlineMs", "progress"] as const;

/** Runs the rates x buffers grid, one experiment at a time, and returns a row per run. */
export async function lossSweep(lab: LabLike, options: SweepOptions): Promise<SweepRow[]> {
  const o = checkOptions<SweepOptions>("lossSweep", options, FIELDS, `{ from: "midwood", to: "flatbush", rates: [20000, 40000, "max"], receiveBuffers: ["default", 4194304] }`);
  const group = o.group === undefined ? "224.1.1.5" : checkGroup("options.group", o.group);
  const count = o.count === undefined ? 20_000 : checkInteger("options.count", o.count, 1, 1_000_000);
  const deadlineMs = o.deadlineMs === undefined ? 10_000 : checkTimeout("options.deadlineMs", o.deadlineMs, 120_000);
  if (!Array.isArray(o.rates) || o.rates.length === 0 || o.rates.length > 20) throw new ArgumentError("options.rates", o.rates, 'an array of 1 to 20 rates (datagrams per second, or "max")');
  if (!Array.isArray(o.receiveBuffers) || o.receiveBuffers.length === 0 || o.receiveBuffers.length > 4) {
    throw new ArgumentError("options.receiveBuffers", o.receiveBuffers, 'an array of 1 to 4 sizes in bytes (or "default")');
  }
  o.rates.forEach((r, i) => {
    if (r !== "max" && (typeof r !== "number" || !Number.isFinite(r) || r < 1 || r > 10_000_000)) {
      throw new ArgumentError(`options.rates[${i}]`, r, 'datagrams per second, from 1 to 10,000,000, or "max"');
    }
  });
  o.receiveBuffers.forEach((b, i) => {
    if (b !== "default") checkInteger(`options.receiveBuffers[${i}]`, b, 1024, 256 * 1024 * 1024);
  });
  const progress = o.progress === false ? undefined : progressLine(0);
  const rows: SweepRow[] = [];
  for (const buffer of o.receiveBuffers) {
    for (const rate of o.rates) {
      progress?.update(`run ${rows.length + 1} of ${o.rates.length * o.receiveBuffers.length}: ${rate === "max" ? "as fast as it can" : `${rate.toLocaleString("en-US")}/s`}, receive buffer ${buffer === "default" ? "default" : `${buffer.toLocaleString("en-US")} B`}`);
      const result = await experiment(lab, {
        senders: [{ host: o.from, group, count, rate, ...(o.size !== undefined ? { size: o.size } : {}) }],
        receivers: [{ host: o.to, group, ...(buffer === "default" ? {} : { receiveBuffer: buffer }) }],
        deadlineMs,
      }, { progress: false });
      const row = result.rows.find((r) => r.joined)!;
      const granted = row.receiveBuffer;
      rows.push({
        buffer: buffer === "default" ? `default (${granted === null ? "?" : granted.toLocaleString("en-US")} B)` : `${buffer.toLocaleString("en-US")} B`,
        rate,
        perSecond: result.senders[0].perSecond,
        sent: row.sent,
        received: row.received,
        lost: row.lost,
        lostPercent: row.sent > 0 ? Math.round((row.lost / row.sent) * 10_000) / 100 : 0,
        rcvbufErrors: row.rcvbufErrors,
        granted,
      });
    }
  }
  progress?.done(`${rows.length} runs done`);
  return rows;
}
