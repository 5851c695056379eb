// A capture over time: one row per interface, one mark per packet, coloured
// by what it is (IGMP report, leave, query, UDP to a group, other), so a
// join on the wrong NIC shows up as a report on the wrong row.
import { Plot } from "../util/plot-library";
import { plot } from "../util/display";
import { ArgumentError } from "../util/errors";
import { Packet } from "./dissect";
import { PACKET_KINDS, packetKind } from "./kind";
import { say } from "../i18n/lang";

/** What captureFigure() draws: its title and width, the time it starts from, and the interfaces as rows. */
export interface CaptureFigureOptions {
  title?: string;
  width?: number;
  /** Time zero (seconds since 1970); default the first packet's time. */
  start?: number;
  /** Rows in this order (default: in order of first appearance). */
  interfaces?: string[];
}

const KIND_COLOURS = ["#2a9d8f", "#e76f51", "#7b5ea7", "#277da1", "#adb5bd"];

/** Packets from one or more captures (each with its `time` and `iface`) as a timeline. */
export function captureFigure(packets: ReadonlyArray<Packet>, options: CaptureFigureOptions = {}): SVGSVGElement | HTMLElement {
  if (!Array.isArray(packets)) throw new ArgumentError("packets", packets, "an array of packets from sniff() or readPackets()");
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, "an object such as { title: \"...\" }");
  packets.forEach((p, i) => {
    if (!(p instanceof Packet)) throw new ArgumentError(`packets[${i}]`, p, "a Packet from sniff(), readPackets() or dissect()");
    if (typeof p.time !== "number") throw new ArgumentError(`packets[${i}].time`, p.time, "the time it was captured (packets read from a pcap or sniffed have it; set it for dissect()ed ones)");
  });
  let first = packets.length ? Infinity : 0;
  for (const p of packets) if (p.time! < first) first = p.time!; // not Math.min(...): it overflows the stack on long captures
  const start = options.start ?? first;
  const rows = packets.map((p) => ({
    t: p.time! - start,
    iface: p.iface ?? say("capture", "캡처"),
    kind: packetKind(p),
    summary: p.summary(),
  }));
  const interfaces = options.interfaces ?? [...new Set(rows.map((r) => r.iface))];
  return plot({
    title: options.title,
    width: options.width ?? 720,
    height: 60 + 40 * Math.max(1, interfaces.length),
    marginLeft: 90,
    x: { label: say("time since the first packet (s)", "첫 패킷 이후 시간 (s)"), grid: true },
    y: { label: null, domain: interfaces },
    color: { legend: true, domain: [...PACKET_KINDS], range: KIND_COLOURS },
    marks: [
      Plot.ruleY(interfaces, { stroke: "#e5e5e5" }),
      Plot.dot(rows, { x: "t", y: "iface", fill: "kind", r: 4, fillOpacity: 0.85, title: (d: { summary: string; t: number }) => `${d.t.toFixed(6)} s  ${d.summary}` }),
    ],
  });
}
