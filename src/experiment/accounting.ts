// Counting what a receiver got, in its own host, as datagrams arrive: one
// Tally per receiver, fed (sender, seq, send time, receive time) per datagram
// and summarized once at the end into a few numbers per group. Memory is
// typed arrays sized by what was sent (a bit and a float per datagram), so a
// receiver keeps up with ~100k datagrams/s and returns kilobytes, not 100k
// objects.
//
// The rules, per sender's stream of sequence numbers 0..count-1:
//   received     the first copy of a sequence number;
//   duplicate    any further copy (never counted as received);
//   out of order a first copy whose number is below the highest one already
//                received from that sender;
//   stray        a number outside 0..count-1, or from a sender not in the run.
// Then lost = sent - received, exactly, for every (receiver, group).

export interface StreamSpec {
  /** The sender's index in the description. */
  index: number;
  group: string;
  /** How many datagrams it may send (its sequence numbers are 0..count-1). */
  count: number;
}

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  minMs: number;
  meanMs: number;
  /** The latency at 0 %, 1 %, ..., 100 % of the datagrams (101 values): the distribution, in little space. */
  quantiles: number[];
}

/** A run of consecutive sequence numbers received: [first seq, last seq, send time of first, send time of last]. */
export type SeqRun = [number, number, number, number];

export interface StreamSummary {
  index: number;
  received: number;
  duplicates: number;
  outOfOrder: number;
  /** Received runs in sequence order; the gaps between them are the datagrams lost. */
  runs: SeqRun[];
  /** True when there were more runs than MAX_RUNS (the last run then covers the rest, gaps included). */
  runsTruncated: boolean;
}

export interface GroupSummary {
  group: string;
  received: number;
  duplicates: number;
  outOfOrder: number;
  /** Over the first copies; null when nothing was received. */
  latency: LatencySummary | null;
  streams: StreamSummary[];
}

export interface TallySummary {
  groups: GroupSummary[];
  /** Datagrams that were not of this run's senders (or had a sequence number out of range). */
  strays: number;
  /** Every datagram handed to record(), copies and strays included. */
  datagrams: number;
}

/** The most runs a stream reports; a timeline needs no more. */
export const MAX_RUNS = 5000;

interface StreamState {
  spec: StreamSpec;
  groupIndex: number;
  seen: Uint8Array;
  sentMs: Float64Array;
  maxSeq: number;
  received: number;
  duplicates: number;
  outOfOrder: number;
}

export class Tally {
  private readonly streams: Array<StreamState | undefined> = [];
  private readonly groups: string[] = [];
  private readonly latencies: Float64Array[] = [];
  private readonly latencyCount: number[] = [];
  private strays = 0;
  private datagrams = 0;

  constructor(streams: ReadonlyArray<StreamSpec>, extraGroups: ReadonlyArray<string> = []) {
    for (const g of [...streams.map((s) => s.group), ...extraGroups]) {
      if (!this.groups.includes(g)) this.groups.push(g);
    }
    for (const g of this.groups) {
      const expected = streams.filter((s) => s.group === g).reduce((sum, s) => sum + s.count, 0);
      this.latencies.push(new Float64Array(Math.max(16, Math.min(expected, 1 << 20))));
      this.latencyCount.push(0);
    }
    for (const spec of streams) {
      this.streams[spec.index] = {
        spec,
        groupIndex: this.groups.indexOf(spec.group),
        seen: new Uint8Array(spec.count),
        sentMs: new Float64Array(spec.count),
        maxSeq: -1,
        received: 0,
        duplicates: 0,
        outOfOrder: 0,
      };
    }
  }

  /** One datagram as it arrives. The hot path: no allocation unless a latency buffer grows. */
  record(sender: number, seq: number, sentMs: number, receivedMs: number): void {
    this.datagrams++;
    const s = this.streams[sender];
    if (s === undefined || seq >= s.seen.length || seq < 0) {
      this.strays++;
      return;
    }
    if (s.seen[seq] === 1) {
      s.duplicates++;
      return;
    }
    s.seen[seq] = 1;
    s.sentMs[seq] = sentMs;
    s.received++;
    if (seq < s.maxSeq) s.outOfOrder++;
    else s.maxSeq = seq;
    const g = s.groupIndex;
    let buffer = this.latencies[g];
    const n = this.latencyCount[g];
    if (n === buffer.length) {
      const grown = new Float64Array(buffer.length * 2);
      grown.set(buffer);
      this.latencies[g] = buffer = grown;
    }
    buffer[n] = receivedMs - sentMs;
    this.latencyCount[g] = n + 1;
  }

  /** A datagram that is not of this run (wrong run id or magic, too short). */
  recordStray(): void {
    this.datagrams++;
    this.strays++;
  }

  /** How many first copies so far, all groups together (for progress lines). */
  get received(): number {
    let sum = 0;
    for (const s of this.streams) if (s) sum += s.received;
    return sum;
  }

  summary(): TallySummary {
    const groups = this.groups.map((group, g): GroupSummary => {
      const streams = this.streams.filter((s): s is StreamState => s !== undefined && s.groupIndex === g).map(streamSummary);
      return {
        group,
        received: streams.reduce((sum, s) => sum + s.received, 0),
        duplicates: streams.reduce((sum, s) => sum + s.duplicates, 0),
        outOfOrder: streams.reduce((sum, s) => sum + s.outOfOrder, 0),
        latency: latencySummary(this.latencies[g].subarray(0, this.latencyCount[g])),
        streams,
      };
    });
    return { groups, strays: this.strays, datagrams: this.datagrams };
  }
}

function streamSummary(s: StreamState): StreamSummary {
  const runs: SeqRun[] = [];
  let truncated = false;
  const n = s.seen.length;
  let i = 0;
  while (i < n) {
    if (s.seen[i] === 0) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n && s.seen[j + 1] === 1) j++;
    if (runs.length === MAX_RUNS) {
      // Cover the rest with the last run, so the timeline still ends where the data does.
      truncated = true;
      let last = n - 1;
      while (s.seen[last] === 0) last--;
      const r = runs[runs.length - 1];
      r[1] = last;
      r[3] = s.sentMs[last];
      break;
    }
    runs.push([i, j, s.sentMs[i], s.sentMs[j]]);
    i = j + 1;
  }
  return { index: s.spec.index, received: s.received, duplicates: s.duplicates, outOfOrder: s.outOfOrder, runs, runsTruncated: truncated };
}

/** Nearest-rank quantiles of the latencies (sorted in place). */
export function latencySummary(values: Float64Array): LatencySummary | null {
  const n = values.length;
  if (n === 0) return null;
  values.sort();
  const at = (p: number) => values[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const quantiles: number[] = [];
  for (let k = 0; k <= 100; k++) quantiles.push(round(k === 0 ? values[0] : at(k / 100)));
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(values[n - 1]), minMs: round(values[0]), meanMs: round(sum / n), quantiles };
}

/** Milliseconds to the microsecond: what the clocks can tell apart. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
