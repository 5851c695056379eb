// Made-up captures for the exercises that read packets: IGMP reports,
// leaves and queries from the lecture's hosts, and datagrams to a group. The
// checker makes them, so it knows the answer; the kernel gets their bytes.
import { igmpFrame, igmpMessage, igmpV3Query, igmpV3Report, udpFrame } from "../../capture/build";
import { IGMP_V1_REPORT, IGMP_V2_LEAVE, IGMP_V2_REPORT } from "../../capture/igmp";
import { pick } from "./draw";

export interface Frame {
  bytes: Uint8Array;
  iface?: string;
  time?: number;
}

export const LECTURE_HOSTS = ["192.168.56.101", "192.168.56.103", "192.168.56.104", "192.168.56.105"];

export function v3Report(src: string, records: { type: number | string; group: string; sources?: string[] }[], iface?: string): Frame {
  return { bytes: igmpFrame({ src, dst: "224.0.0.22", message: igmpV3Report(records) }), iface };
}

export function v2Report(src: string, group: string, iface?: string): Frame {
  return { bytes: igmpFrame({ src, dst: group, message: igmpMessage(IGMP_V2_REPORT, group) }), iface };
}

export function v1Report(src: string, group: string): Frame {
  return { bytes: igmpFrame({ src, dst: group, options: new Uint8Array(0), message: igmpMessage(IGMP_V1_REPORT, group) }) };
}

export function v2Leave(src: string, group: string, iface?: string): Frame {
  return { bytes: igmpFrame({ src, dst: "224.0.0.2", message: igmpMessage(IGMP_V2_LEAVE, group) }), iface };
}

export function query(src = "192.168.56.1", iface?: string): Frame {
  return { bytes: igmpFrame({ src, dst: "224.0.0.1", message: igmpV3Query() }), iface };
}

export function datagram(src: string, group: string, port: number, iface?: string, data = "Hello, World!"): Frame {
  return { bytes: udpFrame({ src, dst: group, sport: 52582, dport: port, data }), iface };
}

/** Times 0.1 s apart from a fixed start, in capture order. */
export function timed(frames: Frame[], start = 1764590000): Frame[] {
  return frames.map((f, i) => ({ ...f, time: start + i / 10 }));
}

export const RECORD_NAMES = ["MODE_IS_INCLUDE", "MODE_IS_EXCLUDE", "CHANGE_TO_INCLUDE_MODE", "CHANGE_TO_EXCLUDE_MODE", "ALLOW_NEW_SOURCES", "BLOCK_OLD_SOURCES"];
export const randomRecordType = (rand: () => number) => pick(rand, RECORD_NAMES);
