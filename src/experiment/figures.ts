// An experiment's results as figures, one call each: who got what (a
// receiver x group matrix), when (a timeline of every datagram, with gaps
// where they were lost), how late (latency distributions), and loss against
// sending rate for two receive buffers (from lossSweep()).
import { Plot } from "../util/plot-library";
import { plot } from "../util/display";
import { ArgumentError } from "../util/errors";
import { DeliveryResult } from "./results";
import type { SweepRow } from "./sweep";

/** Options shared by the experiment figures: title and width. */
export interface FigureOptions {
  title?: string;
  width?: number;
}

const RECEIVED = "#2a9d8f";
const LOST = "#e4572e";

function checkResult(result: unknown): DeliveryResult {
  if (!(result instanceof DeliveryResult)) throw new ArgumentError("result", result, "the result of mc.experiment(...)");
  return result;
}

function checkFigureOptions(options: unknown): FigureOptions {
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, 'an object such as { title: "..." }');
  return options as FigureOptions;
}

/** Receivers down, groups across: the share of each group's datagrams each receiver got, with the counts. */
export function matrixFigure(result: DeliveryResult, options: FigureOptions = {}): SVGSVGElement | HTMLElement {
  checkResult(result);
  checkFigureOptions(options);
  const groups = [...new Set(result.rows.map((r) => r.group))];
  const receivers = [...new Set(result.rows.map((r) => r.receiver))];
  const cells = result.rows.map((r) => ({
    receiver: r.receiver,
    group: r.group,
    share: r.sent > 0 ? shareName(r.received, r.sent) : "none sent",
    counts: r.sent > 0 ? `${r.received.toLocaleString("en-US")} / ${r.sent.toLocaleString("en-US")}` : "none sent",
    joined: !r.joined ? "not joined" : r.interface ? `joined on ${r.interface}` : "never joined",
  }));
  const dark = (d: { share: string }) => (d.share === "all" || d.share === "half or more" ? "white" : "black");
  return plot({
    title: options.title ?? "Who got what: datagrams received / sent, per receiver and group",
    width: options.width ?? Math.max(420, 150 + 190 * groups.length),
    height: 80 + 56 * receivers.length,
    marginLeft: 110,
    marginTop: 36,
    padding: 0.04,
    x: { label: "group sent to", axis: "top", domain: groups },
    y: { label: null, domain: receivers },
    color: { type: "ordinal", domain: SHARES, range: SHARE_COLOURS, legend: true },
    marks: [
      Plot.cell(cells, { x: "group", y: "receiver", fill: "share", inset: 1 }),
      Plot.text(cells, { x: "group", y: "receiver", text: "counts", dy: -7, fontSize: 13, fontWeight: "bold", fill: dark }),
      Plot.text(cells, { x: "group", y: "receiver", text: "joined", dy: 10, fontSize: 10, fill: dark }),
    ],
  });
}

const SHARES = ["all", "half or more", "less than half", "none", "none sent"];
const SHARE_COLOURS = ["#1b7837", "#5aae61", "#d9f0d3", "#f4f4f4", "#ffffff"];

function shareName(received: number, sent: number): string {
  if (received >= sent) return "all";
  if (received === 0) return "none";
  return received * 2 >= sent ? "half or more" : "less than half";
}

interface Segment {
  row: string;
  x1: number;
  x2: number;
  what: "received" | "lost";
  seqs: string;
}

/** Each receiver's datagrams of the group it joined, along the send time: a bar where they arrived, red where they were lost. */
export function timelineFigure(result: DeliveryResult, options: FigureOptions = {}): SVGSVGElement | HTMLElement {
  checkResult(result);
  checkFigureOptions(options);
  const senders = result.description.senders;
  const t0 = Math.min(...result.senders.filter((s) => s.sent > 0).map((s) => s.startMs), Infinity);
  const origin = Number.isFinite(t0) ? t0 : 0;
  const segments: Segment[] = [];
  const rows: string[] = [];
  for (const detail of result.receivers) {
    // Its own group only: a group it never joined is not lost to it, just not its business.
    const groups = detail.groups.filter((g) => g.group === detail.group);
    for (const g of groups) {
      const from = senders.filter((s) => s.group === g.group);
      if (from.length === 0) rows.push(`${detail.receiver} (${g.group}: none sent)`);
      for (const spec of from) {
        const row = from.length > 1 ? `${detail.receiver} · ${spec.name}` : detail.receiver;
        rows.push(row);
        const sent = result.senders[spec.index];
        if (sent.sent === 0) continue;
        // One datagram's slot: bars then cover the time the datagrams took to send, with no seams.
        const period = sent.sent > 1 ? sent.ms / (sent.sent - 1) : 0.01;
        const runs = g.streams.find((s) => s.sender === spec.name)?.runs ?? [];
        let at = sent.startMs;
        let next = 0;
        for (const [a, b, ta, tb] of runs) {
          if (a > next) segments.push({ row, x1: at - origin, x2: ta - origin, what: "lost", seqs: `${next}-${a - 1}` });
          segments.push({ row, x1: ta - origin, x2: tb + period - origin, what: "received", seqs: `${a}-${b}` });
          at = tb + period;
          next = b + 1;
        }
        if (next < sent.sent) segments.push({ row, x1: at - origin, x2: sent.startMs + sent.ms + period - origin, what: "lost", seqs: `${next}-${sent.sent - 1}` });
      }
    }
  }
  return plot({
    title: options.title ?? "Every datagram by its send time: a bar where it arrived, red where it was lost",
    width: options.width ?? 720,
    height: 70 + 36 * Math.max(1, rows.length),
    marginLeft: Math.max(80, 10 + 6.5 * Math.max(...rows.map((r) => r.length), 0)),
    x: { label: "send time since the first datagram (ms)", grid: true, nice: true },
    y: { label: null, domain: rows },
    color: { legend: true, domain: ["received", "lost"], range: [RECEIVED, LOST] },
    marks: [
      Plot.barX(segments, { x1: "x1", x2: "x2", y: "row", fill: "what", insetTop: 4, insetBottom: 4, title: (d: Segment) => `${d.what}: datagrams ${d.seqs}` }),
    ],
  });
}

/** The distribution of one-way latency per receiver: the share of datagrams that took at most x ms. */
export function latencyFigure(result: DeliveryResult, options: FigureOptions = {}): SVGSVGElement | HTMLElement {
  checkResult(result);
  checkFigureOptions(options);
  const points: Array<{ who: string; ms: number; share: number }> = [];
  for (const detail of result.receivers) {
    const withData = detail.groups.filter((g) => g.latency !== null);
    for (const g of withData) {
      const who = withData.length > 1 ? `${detail.receiver} · ${g.group}` : detail.receiver;
      g.latency!.quantiles.forEach((ms, k) => points.push({ who, ms: Math.max(ms, 0.001), share: k / 100 }));
    }
  }
  return plot({
    title: options.title ?? "One-way latency, from the sender's send() to the receiver's read",
    width: options.width ?? 640,
    height: 320,
    x: { type: "log", label: "latency (ms, log scale)", grid: true, tickFormat: "~g" },
    y: { label: "share of datagrams at most that late", domain: [0, 1], tickFormat: "%", grid: true },
    color: { legend: true },
    marks: [
      Plot.line(points, { x: "ms", y: "share", stroke: "who", strokeWidth: 2, curve: "step-after" }),
      Plot.dot(points.filter((p) => Math.round(p.share * 100) === 50 || Math.round(p.share * 100) === 99), { x: "ms", y: "share", fill: "who", r: 3, title: (p: { who: string; ms: number; share: number }) => `${p.who}: ${Math.round(p.share * 100)} % within ${p.ms} ms` }),
    ],
  });
}

/** Loss against the rate actually sent, one line per receive buffer (rows from lossSweep()). */
export function lossFigure(rows: ReadonlyArray<SweepRow>, options: FigureOptions = {}): SVGSVGElement | HTMLElement {
  if (!Array.isArray(rows) || rows.some((r) => typeof r !== "object" || r === null || typeof (r as SweepRow).lostPercent !== "number")) {
    throw new ArgumentError("rows", rows, "the rows of mc.lossSweep(...)");
  }
  checkFigureOptions(options);
  const data = rows.filter((r) => r.perSecond !== null);
  return plot({
    title: options.title ?? "Lost datagrams against the sending rate, per receive buffer",
    width: options.width ?? 640,
    height: 320,
    x: { label: "datagrams sent per second", grid: true, zero: true },
    y: { label: "lost (%)", grid: true, zero: true },
    color: { legend: true },
    marks: [
      Plot.line(data, { x: "perSecond", y: "lostPercent", stroke: "buffer", sort: "perSecond", strokeWidth: 2 }),
      Plot.dot(data, { x: "perSecond", y: "lostPercent", fill: "buffer", r: 4, title: (r: SweepRow) => `${r.buffer}: ${r.perSecond} /s, ${r.lost} of ${r.sent} lost, RcvbufErrors +${r.rcvbufErrors}` }),
    ],
  });
}
