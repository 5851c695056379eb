// What is left once the headers are read: the data (scapy's Raw) and the
// bytes after the IP datagram's end (scapy's Padding), such as the zeros a
// NIC adds to reach Ethernet's 60-byte minimum frame.
import { defineHeader } from "./header";
import { Layer } from "./layer";
import { LOAD } from "./formats";

export const RAW = defineHeader({
  name: "Raw",
  className: "Raw",
  fields: [{ name: "load", offset: 0, bytes: "rest", format: LOAD, meaning: (v: Uint8Array, l) => loadMeaning(v, l) }],
});

export const PADDING = defineHeader({
  name: "Padding",
  className: "Padding",
  fields: [{ name: "load", offset: 0, bytes: "rest", format: LOAD, meaning: (v: Uint8Array, l) => paddingMeaning(v, l) }],
});

function loadMeaning(load: Uint8Array, layer: Layer): string {
  const under = layer.below ? `${layer.below.name} ` : "";
  const text = load.every((b) => b >= 0x20 && b < 0x7f) ? `: the text ${JSON.stringify(String.fromCharCode(...load.subarray(0, 64)))}${load.length > 64 ? "…" : ""}` : "";
  return `${load.length} byte${load.length === 1 ? "" : "s"} of ${under}data${text}`;
}

function paddingMeaning(load: Uint8Array, layer: Layer): string {
  const frame = layer.limit;
  const n = load.length;
  if (frame === 60 && n > 0) return `${n} byte${n === 1 ? "" : "s"} after the datagram, filling the frame to Ethernet's 60-byte minimum`;
  return `${n} byte${n === 1 ? "" : "s"} after the end the IP header gives (not part of the datagram)`;
}
