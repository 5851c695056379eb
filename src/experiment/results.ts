// What an experiment found, as rows: one per receiver per group (every group
// that was sent to, and the one it joined), with sent = received + lost
// exactly. Plus the senders' own rows, and what the figures need (the runs of
// received sequence numbers, the latency distributions). Exported as CSV and
// JSON.
import { inspect } from "node:util";
import { ArgumentError } from "../util/errors";
import type { GroupSummary, LatencySummary, SeqRun, TallySummary } from "./accounting";
import type { ResolvedExperiment } from "./description";

/** One receiver and group of an experiment: sent, received, lost, duplicates, out of order, latency. */
export interface DeliveryRow {
  receiver: string;
  host: string;
  group: string;
  /** True for the group this receiver joined (its socket is bound to it). */
  joined: boolean;
  /** The interface the kernel holds the membership on ("" if it never joined this group). */
  interface: string;
  /** Datagrams the senders of this group handed to the kernel. */
  sent: number;
  /** Distinct datagrams of this group the receiver got (first copies). */
  received: number;
  /** sent - received. */
  lost: number;
  /** Copies of datagrams it already had (not counted as received). */
  duplicates: number;
  /** First copies that came after a higher sequence number from the same sender. */
  outOfOrder: number;
  /** One-way latency, send to the receiving program's read, in ms (null when nothing arrived). */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Growth of the receiver's host's `Udp RcvbufErrors` (/proc/net/snmp) during the run: datagrams its kernel dropped because a receive buffer was full. On the joined row only. */
  rcvbufErrors: number | null;
  /** The receive buffer the kernel granted (SO_RCVBUF read back: twice what was set, capped by net.core.rmem_max). On the joined row only. */
  receiveBuffer: number | null;
  /** Why a number is missing or odd: the receiver never joined, had no result by the deadline... */
  note: string;
}

/** One sender of an experiment: what it sent, how fast, and its errors. */
export interface SenderRow {
  sender: string;
  host: string;
  group: string;
  ttl: number;
  size: number;
  /** Asked for: datagrams per second, or "max". */
  rate: number | "max";
  /** Datagrams the kernel took. */
  sent: number;
  /** Sends that failed (sampled: Node reports failures only to sends with a callback, one per burst). */
  errors: number;
  /** Growth of its host's `Udp SndbufErrors`: datagrams the kernel took but could not pass on (they count as lost at every receiver). */
  sndbufErrors: number | null;
  /** When it sent its first datagram, ms since the experiment began. */
  startMs: number;
  /** From its first send to its last, ms. */
  ms: number;
  /** What it achieved, datagrams per second (null for fewer than 2 datagrams). */
  perSecond: number | null;
  note: string;
}

/** Per receiver, what the figures draw: runs of received datagrams and latency distributions, per group. */
export interface ReceiverDetail {
  receiver: string;
  host: string;
  group: string;
  interface: string;
  groups: Array<{ group: string; received: number; latency: LatencySummary | null; streams: Array<{ sender: string; runs: SeqRun[]; truncated: boolean }> }>;
}

/** What realize.ts knows about a receiver once the run is over. */
export interface ReceiverOutcome {
  name: string;
  host: string;
  group: string;
  joinedOn?: string;
  receiveBuffer?: number;
  tally?: TallySummary;
  rcvbufErrors: number | null;
  note: string;
}

export interface SenderOutcome {
  index: number;
  sent: number;
  errors: number;
  sndbufErrors: number | null;
  firstMs: number;
  lastMs: number;
  note: string;
}

const ROW_COLUMNS: Array<keyof DeliveryRow> = [
  "receiver", "host", "group", "joined", "interface", "sent", "received", "lost", "duplicates", "outOfOrder",
  "p50Ms", "p99Ms", "maxMs", "rcvbufErrors", "receiveBuffer", "note",
];

/** A link an experiment impaired, and what it dropped before the host saw it. */
export interface ImpairmentRow {
  host: string;
  iface: string;
  lossPercent: number | null;
  rateKbit: number | null;
  /** Datagrams the loss rule dropped. */
  lostOnTheWire: number;
  /** Packets the rate limit dropped (its queue full). */
  overRateLimit: number;
}

/** What an experiment delivered: a row per receiver and group, a row per sender, and the details. */
export class DeliveryResult {
  constructor(
    readonly description: ResolvedExperiment,
    readonly rows: DeliveryRow[],
    readonly senders: SenderRow[],
    readonly receivers: ReceiverDetail[],
    /** How long the run took, from start to results, in ms. */
    readonly ms: number,
    /** True when the deadline, not the senders finishing, ended it. */
    readonly timedOut: boolean,
    /** Things worth knowing (a receive buffer the kernel capped, a receiver that never joined). */
    readonly warnings: string[],
    /** The links the run impaired, and what each dropped on the wire. */
    readonly impairments: ImpairmentRow[] = [],
  ) {}

  /** The rows as CSV (a header line, then one line per row). */
  csv(): string {
    return toCSV(this.rows, ROW_COLUMNS);
  }

  /** Everything as JSON: the description with its defaults, rows, senders, receivers' details, warnings. */
  json(): string {
    return JSON.stringify({ ...this }, null, 1);
  }

  /** The rows with only these columns, in this order (for a narrower table). */
  columns(...names: Array<keyof DeliveryRow>): Array<Partial<DeliveryRow>> {
    for (const n of names) if (!ROW_COLUMNS.includes(n)) throw new ArgumentError("names", n, `columns of a row: ${ROW_COLUMNS.join(", ")}`);
    return this.rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n]])) as Partial<DeliveryRow>);
  }

  /** Received counts as { receiver: { group: received } }, for every group that was sent to. */
  matrix(): Record<string, Record<string, number>> {
    const sentTo = new Set(this.description.senders.map((s) => s.group));
    const out: Record<string, Record<string, number>> = {};
    for (const r of this.rows) {
      if (!sentTo.has(r.group)) continue;
      (out[r.receiver] ??= {})[r.group] = r.received;
    }
    return out;
  }

  /** What a notebook cell shows for a result: its table as text. */
  [inspect.custom](): string {
    const total = this.senders.reduce((sum, s) => sum + s.sent, 0);
    const lines = this.rows.filter((r) => r.sent > 0 || r.joined).map((r) => `  ${r.receiver} ${r.group}: ${r.received}/${r.sent}${!r.joined ? " (not joined)" : r.lost ? `, ${r.lost} lost` : ""}${r.note ? ` (${r.note})` : ""}`);
    return [`DeliveryResult: ${total} datagrams sent in ${this.ms.toFixed(0)} ms${this.timedOut ? " (stopped at the deadline)" : ""}`, ...lines, ...this.warnings.map((w) => `  ! ${w}`)].join("\n");
  }
}

/** Builds the rows from what the agents said. */
export function buildResult(
  d: ResolvedExperiment,
  receivers: ReceiverOutcome[],
  senders: SenderOutcome[],
  ms: number,
  timedOut: boolean,
  warnings: string[],
  impairments: ImpairmentRow[] = [],
): DeliveryResult {
  const sentTo: string[] = [];
  for (const s of d.senders) if (!sentTo.includes(s.group)) sentTo.push(s.group);
  const sentOf = (group: string) => senders.filter((s) => d.senders[s.index].group === group).reduce((sum, s) => sum + s.sent, 0);

  const rows: DeliveryRow[] = [];
  const details: ReceiverDetail[] = [];
  for (const r of receivers) {
    const groups = sentTo.includes(r.group) ? sentTo : [...sentTo, r.group];
    const detail: ReceiverDetail = { receiver: r.name, host: r.host, group: r.group, interface: r.joinedOn ?? "", groups: [] };
    for (const group of groups) {
      const g: GroupSummary | undefined = r.tally?.groups.find((x) => x.group === group);
      const joined = group === r.group;
      const sent = sentOf(group);
      const received = g?.received ?? 0;
      rows.push({
        receiver: r.name,
        host: r.host,
        group,
        joined,
        interface: joined ? r.joinedOn ?? "" : "",
        sent,
        received,
        lost: sent - received,
        duplicates: g?.duplicates ?? 0,
        outOfOrder: g?.outOfOrder ?? 0,
        p50Ms: g?.latency?.p50Ms ?? null,
        p99Ms: g?.latency?.p99Ms ?? null,
        maxMs: g?.latency?.maxMs ?? null,
        rcvbufErrors: joined ? r.rcvbufErrors : null,
        receiveBuffer: joined ? r.receiveBuffer ?? null : null,
        note: joined ? r.note : "",
      });
      detail.groups.push({
        group,
        received,
        latency: g?.latency ?? null,
        streams: (g?.streams ?? []).map((s) => ({ sender: d.senders[s.index].name, runs: s.runs, truncated: s.runsTruncated })),
      });
    }
    details.push(detail);
  }

  const senderRows: SenderRow[] = senders.map((s) => {
    const spec = d.senders[s.index];
    const span = s.lastMs - s.firstMs;
    return {
      sender: spec.name,
      host: spec.host,
      group: spec.group,
      ttl: spec.ttl,
      size: spec.size,
      rate: spec.rate,
      sent: s.sent,
      errors: s.errors,
      sndbufErrors: s.sndbufErrors,
      startMs: round(s.firstMs),
      ms: round(span),
      perSecond: s.sent > 1 && span > 0 ? Math.round(((s.sent - 1) * 1000) / span) : null,
      note: s.note,
    };
  });
  return new DeliveryResult(d, rows, senderRows, details, ms, timedOut, warnings, impairments);
}

/** Rows as CSV: a header of the columns, values quoted when they need it. */
export function toCSV(rows: ReadonlyArray<object>, columns?: ReadonlyArray<string>): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell((r as Record<string, unknown>)[c])).join(","))].join("\n") + "\n";
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
