// Loss against sending rate: the same experiment (one sender, one receiver)
// at several rates, for each receive buffer size, one row per rate and
// buffer. The receiver keeps up below some rate and falls behind above it;
// how much it then loses depends on how much its buffer can hold while it
// catches up. Given one receiving host per buffer, every buffer hears the
// same datagrams in one run: half the time for two buffers, and a fairer
// comparison (the same traffic, the same load on the machine).
import { ArgumentError, checkInteger, checkTimeout } from "../util/errors";
import { checkGroup } from "../sockets/endpoint";
import { checkOptions } from "../util/options";
import { progressLine } from "./progress";
import { experiment, LabLike } from "./realize";

/** What lossSweep() varies: the sending rates and the receive buffers. */
export interface SweepOptions {
  /** The sending host, e.g. "midwood". */
  from: string;
  /**
   * The receiving host, e.g. "flatbush": one run per rate and buffer. Or one
   * host per buffer, e.g. ["flatbush", "eastny"]: one run per rate, every
   * buffer in it, each in its own host (its own counters).
   */
  to: string | string[];
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
  /** The receiving host. */
  host: string;
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

/** Runs the rates x buffers grid and returns a row per rate and buffer, buffer by buffer. */
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
  const buffers = o.receiveBuffers;
  const hosts = checkHosts(o.to, buffers.length);
  const paired = Array.isArray(o.to);
  // One experiment per rate when paired (every buffer in it), else per rate and buffer.
  const runs = paired ? o.rates.map((rate) => ({ rate, lanes: buffers.map((_, i) => i) })) : buffers.flatMap((_, i) => o.rates.map((rate) => ({ rate, lanes: [i] })));
  const progress = o.progress === false ? undefined : progressLine(0);
  const byLane: SweepRow[][] = buffers.map(() => []);
  let done = 0;
  for (const { rate, lanes } of runs) {
    const what = lanes.map((i) => `${hosts[i]} with ${bufferLabel(buffers[i])}`).join(", ");
    progress?.update(`run ${++done} of ${runs.length}: ${rate === "max" ? "as fast as it can" : `${rate.toLocaleString("en-US")}/s`}, ${what}`);
    const result = await experiment(lab, {
      senders: [{ host: o.from, group, count, rate, ...(o.size !== undefined ? { size: o.size } : {}) }],
      receivers: lanes.map((i) => ({ host: hosts[i], group, ...(buffers[i] === "default" ? {} : { receiveBuffer: buffers[i] as number }) })),
      deadlineMs,
    }, { progress: false });
    for (const i of lanes) {
      const row = result.rows.find((r) => r.joined && r.host === hosts[i])!;
      const granted = row.receiveBuffer;
      const buffer = buffers[i];
      byLane[i].push({
        buffer: buffer === "default" ? `default (${granted === null ? "?" : granted.toLocaleString("en-US")} B)` : `${buffer.toLocaleString("en-US")} B`,
        host: hosts[i],
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
  const rows = byLane.flat();
  progress?.done(`${runs.length} runs done`);
  return rows;
}

function bufferLabel(buffer: number | "default"): string {
  return buffer === "default" ? "the default buffer" : `a ${buffer.toLocaleString("en-US")} B buffer`;
}

/** `to` as one host per buffer: the same host for all, or a distinct host each. */
function checkHosts(to: unknown, buffers: number): string[] {
  if (typeof to === "string" && to !== "") return Array.from({ length: buffers }, () => to);
  const allowed = `a host name, or an array of ${buffers} different host names (one per receive buffer)`;
  if (!Array.isArray(to) || to.length !== buffers || !to.every((h) => typeof h === "string" && h !== "") || new Set(to).size !== to.length) {
    throw new ArgumentError("options.to", to, allowed);
  }
  return to as string[];
}
