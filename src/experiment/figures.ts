// An experiment's results as figures, one call each: who got what (a
// receiver x group matrix), when (a timeline of every datagram, with gaps
// where they were lost), how late (latency distributions), and loss against
// sending rate for two receive buffers (from lossSweep()).
import { Plot } from "../util/plot-library";
import { plot } from "../util/display";
import { ArgumentError } from "../util/errors";
import { DeliveryResult } from "./results";
import type { SweepRow } from "./sweep";
import { say } from "../i18n/lang";

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
  const shares = shareNames();
  const cells = result.rows.map((r) => ({
    receiver: r.receiver,
    group: r.group,
    share: r.sent > 0 ? shares[shareIndex(r.received, r.sent)] : shares[4],
    counts: r.sent > 0 ? `${r.received.toLocaleString("en-US")} / ${r.sent.toLocaleString("en-US")}` : shares[4],
    joined: !r.joined ? say("not joined", "가입 안 함") : r.interface ? say(`joined on ${r.interface}`, `${r.interface}에서 가입`) : say("never joined", "가입하지 못함"),
  }));
  const dark = (d: { share: string }) => (d.share === shares[0] || d.share === shares[1] ? "white" : "black");
  return plot({
    title: options.title ?? say("Who got what: datagrams received / sent, per receiver and group", "누가 무엇을 받았나: 수신자와 그룹별 받은 / 보낸 데이터그램"),
    width: options.width ?? Math.max(420, 150 + 190 * groups.length),
    height: 80 + 56 * receivers.length,
    marginLeft: 110,
    marginTop: 36,
    padding: 0.04,
    x: { label: say("group sent to", "보낸 그룹"), axis: "top", domain: groups },
    y: { label: null, domain: receivers },
    color: { type: "ordinal", domain: shares, range: SHARE_COLOURS, legend: true },
    marks: [
      Plot.cell(cells, { x: "group", y: "receiver", fill: "share", inset: 1 }),
      Plot.text(cells, { x: "group", y: "receiver", text: "counts", dy: -7, fontSize: 13, fontWeight: "bold", fill: dark }),
      Plot.text(cells, { x: "group", y: "receiver", text: "joined", dy: 10, fontSize: 10, fill: dark }),
    ],
  });
}

/** The legend's shares, in the language in use: all, half or more, less than half, none, none sent. */
function shareNames(): string[] {
  return [say("all", "전부"), say("half or more", "절반 이상"), say("less than half", "절반 미만"), say("none", "없음"), say("none sent", "보낸 것 없음")];
}
const SHARE_COLOURS = ["#1b7837", "#5aae61", "#d9f0d3", "#f4f4f4", "#ffffff"];

function shareIndex(received: number, sent: number): number {
  if (received >= sent) return 0;
  if (received === 0) return 3;
  return received * 2 >= sent ? 1 : 2;
}

interface Segment {
  row: string;
  x1: number;
  x2: number;
  /** The legend's received or lost, in the language in use. */
  what: string;
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
  const [received, lost] = [say("received", "수신"), say("lost", "손실")];
  for (const detail of result.receivers) {
    // Its own group only: a group it never joined is not lost to it, just not its business.
    const groups = detail.groups.filter((g) => g.group === detail.group);
    for (const g of groups) {
      const from = senders.filter((s) => s.group === g.group);
      if (from.length === 0) rows.push(`${detail.receiver} (${g.group}: ${say("none sent", "보낸 것 없음")})`);
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
          if (a > next) segments.push({ row, x1: at - origin, x2: ta - origin, what: lost, seqs: `${next}-${a - 1}` });
          segments.push({ row, x1: ta - origin, x2: tb + period - origin, what: received, seqs: `${a}-${b}` });
          at = tb + period;
          next = b + 1;
        }
        if (next < sent.sent) segments.push({ row, x1: at - origin, x2: sent.startMs + sent.ms + period - origin, what: lost, seqs: `${next}-${sent.sent - 1}` });
      }
    }
  }
  return plot({
    title: options.title ?? say("Every datagram by its send time: a bar where it arrived, red where it was lost", "보낸 시각으로 본 모든 데이터그램: 도착한 곳은 막대, 손실된 곳은 빨간색"),
    width: options.width ?? 720,
    height: 70 + 36 * Math.max(1, rows.length),
    marginLeft: Math.max(80, 10 + 6.5 * Math.max(...rows.map((r) => r.length), 0)),
    x: { label: say("send time since the first datagram (ms)", "첫 데이터그램 이후 보낸 시각 (ms)"), grid: true, nice: true },
    y: { label: null, domain: rows },
    color: { legend: true, domain: [received, lost], range: [RECEIVED, LOST] },
    marks: [
      Plot.barX(segments, { x1: "x1", x2: "x2", y: "row", fill: "what", insetTop: 4, insetBottom: 4, title: (d: Segment) => say(`${d.what}: datagrams ${d.seqs}`, `${d.what}: 데이터그램 ${d.seqs}`) }),
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
    title: options.title ?? say("One-way latency, from the sender's send() to the receiver's read", "단방향 지연 시간: 송신자의 send()부터 수신자가 읽을 때까지"),
    width: options.width ?? 640,
    height: 320,
    x: { type: "log", label: say("latency (ms, log scale)", "지연 시간 (ms, 로그 눈금)"), grid: true, tickFormat: "~g" },
    y: { label: say("share of datagrams at most that late", "그 시간 안에 도착한 데이터그램 비율"), domain: [0, 1], tickFormat: "%", grid: true },
    color: { legend: true },
    marks: [
      Plot.line(points, { x: "ms", y: "share", stroke: "who", strokeWidth: 2, curve: "step-after" }),
      Plot.dot(points.filter((p) => Math.round(p.share * 100) === 50 || Math.round(p.share * 100) === 99), { x: "ms", y: "share", fill: "who", r: 3, title: (p: { who: string; ms: number; share: number }) => say(`${p.who}: ${Math.round(p.share * 100)} % within ${p.ms} ms`, `${p.who}: ${p.ms} ms 안에 ${Math.round(p.share * 100)} %`) }),
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
    title: options.title ?? say("Lost datagrams against the sending rate, per receive buffer", "보내는 속도에 따른 손실 데이터그램, 수신 버퍼별"),
    width: options.width ?? 640,
    height: 320,
    x: { label: say("datagrams sent per second", "초당 보낸 데이터그램"), grid: true, zero: true },
    y: { label: say("lost (%)", "손실 (%)"), grid: true, zero: true },
    color: { legend: true },
    marks: [
      Plot.line(data, { x: "perSecond", y: "lostPercent", stroke: "buffer", sort: "perSecond", strokeWidth: 2 }),
      Plot.dot(data, { x: "perSecond", y: "lostPercent", fill: "buffer", r: 4, title: (r: SweepRow) => say(`${r.buffer}: ${r.perSecond} /s, ${r.lost} of ${r.sent} lost, RcvbufErrors +${r.rcvbufErrors}`, `${r.buffer}: ${r.perSecond} /s, ${r.sent}개 중 ${r.lost}개 손실, RcvbufErrors +${r.rcvbufErrors}`) }),
    ],
  });
}
