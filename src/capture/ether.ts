// Ethernet II: destination, source, EtherType (IEEE 802.3 clause 3.2). A frame
// to an IPv4 group goes to 01:00:5e + the group's low 23 bits (RFC 1112).
import { formatIPv4 } from "../addresses/address";
import { isMulticastNumber } from "../addresses/blocks";
import { formatMac, groupToMac } from "../addresses/mac";
import { defineHeader } from "./header";
import { enumOf, HEX, MAC } from "./formats";
import { Layer } from "./layer";

/** EtherType names as scapy prints them. */
export const ETHER_TYPES: Readonly<Record<number, string>> = {
  0x0800: "IPv4",
  0x0806: "ARP",
  0x8100: "n_802_1Q",
  0x86dd: "IPv6",
  0x8847: "MPLS",
  0x88a8: "802_AD",
  0x88cc: "LLDP",
};

export const ETHER_TYPE_IPV4 = 0x0800;

export const ETHER = defineHeader({
  name: "Ethernet",
  className: "Ether",
  fields: [
    { name: "dst", offset: 0, bytes: 6, format: MAC, meaning: (v: Uint8Array, l) => macMeaning(v, l, true) },
    { name: "src", offset: 6, bytes: 6, format: MAC, meaning: (v: Uint8Array, l) => macMeaning(v, l, false) },
    { name: "type", offset: 12, bytes: 2, format: enumOf(ETHER_TYPES, HEX), meaning: (v: number) => etherTypeMeaning(v) },
  ],
  summary: (l) => `${l.repr("src")} > ${l.repr("dst")} (${l.repr("type")})`,
});

export function etherTypeMeaning(type: number): string {
  if (type === ETHER_TYPE_IPV4) return "an IPv4 packet follows";
  if (type < 0x600) return "an 802.3 length, not a type";
  return ETHER_TYPES[type] ? `${ETHER_TYPES[type]} follows (not decoded here)` : "a type not decoded here";
}

function macMeaning(mac: Uint8Array, layer: Layer, destination: boolean): string {
  if (mac.every((b) => b === 0xff)) return "broadcast";
  if (mac[0] === 0x01 && mac[1] === 0x00 && mac[2] === 0x5e && !(mac[3] & 0x80)) {
    const ip = layer.above;
    const dst = ip && ip.name === "IP" ? ip.num("dst") : NaN;
    const group = Number.isFinite(dst) && isMulticastNumber(dst) && groupToMac(dst) === formatMac(mac) ? formatIPv4(dst) : undefined;
    const which = group ? `group ${group}` : "an IPv4 group";
    return `multicast: 01:00:5e + the low 23 bits of ${which} (32 groups share it)`;
  }
  if (mac[0] & 1) return "multicast (not an IPv4 group)";
  const oui = mac[0] === 0x08 && mac[1] === 0x00 && mac[2] === 0x27 ? ", VirtualBox's 08:00:27" : mac[0] & 2 ? ", locally administered" : "";
  return destination ? `unicast${oui}` : `the sender's NIC${oui}`;
}
