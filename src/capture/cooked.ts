// Linux "cooked" capture headers, which replace Ethernet's when tcpdump
// captures on `-i any` (LINKTYPE_LINUX_SLL, 16 bytes; LINKTYPE_LINUX_SLL2 since
// libpcap 1.10, 20 bytes, which also names the interface by its index).
import { BytesFormat, enumOf, HEX, INT } from "./formats";
import { defineHeader } from "./header";
import { ETHER_TYPES, etherTypeMeaning } from "./ether";

export const COOKED_PACKET_TYPES: Readonly<Record<number, string>> = {
  0: "unicast", 1: "broadcast", 2: "multicast", 3: "unicast-to-another-host", 4: "sent-by-us",
};

/** A link-layer address in an 8-byte slot: its bytes in hex, the unused tail left off. */
const LINK_ADDRESS: BytesFormat = {
  kind: "bytes",
  repr: (v) => {
    let n = v.length;
    while (n > 6 && v[n - 1] === 0) n--;
    return Array.from(v.subarray(0, n), (b) => b.toString(16).padStart(2, "0")).join(":");
  },
};

const packetTypeMeaning = (v: number) => (v === 4 ? "sent by this host" : v === 2 ? "received, to a multicast address" : COOKED_PACKET_TYPES[v] ? `received, ${COOKED_PACKET_TYPES[v]}` : "");

export const LINUX_SLL = defineHeader({
  name: "cooked linux",
  className: "CookedLinux",
  fields: [
    { name: "pkttype", offset: 0, bytes: 2, format: enumOf(COOKED_PACKET_TYPES), meaning: packetTypeMeaning },
    { name: "lladdrtype", offset: 2, bytes: 2, format: HEX, meaning: (v: number) => (v === 1 ? "Ethernet (ARPHRD_ETHER)" : v === 772 ? "loopback" : "") },
    { name: "lladdrlen", offset: 4, bytes: 2, format: INT },
    { name: "src", offset: 6, bytes: 8, format: LINK_ADDRESS, meaning: () => "the sender's link-layer address" },
    { name: "proto", offset: 14, bytes: 2, format: enumOf(ETHER_TYPES, HEX), meaning: (v: number) => etherTypeMeaning(v) },
  ],
});

export const LINUX_SLL2 = defineHeader({
  name: "cooked linux v2",
  className: "CookedLinuxV2",
  fields: [
    { name: "proto", offset: 0, bytes: 2, format: enumOf(ETHER_TYPES, HEX), meaning: (v: number) => etherTypeMeaning(v) },
    { name: "reserved", offset: 2, bytes: 2, format: INT },
    { name: "ifindex", offset: 4, bytes: 4, format: INT, meaning: () => "the interface's index (ip link shows it)" },
    { name: "lladdrtype", offset: 8, bytes: 2, format: HEX, meaning: (v: number) => (v === 1 ? "Ethernet (ARPHRD_ETHER)" : v === 772 ? "loopback" : "") },
    { name: "pkttype", offset: 10, bytes: 1, format: enumOf(COOKED_PACKET_TYPES), meaning: packetTypeMeaning },
    { name: "lladdrlen", offset: 11, bytes: 1, format: INT },
    { name: "src", offset: 12, bytes: 8, format: LINK_ADDRESS, meaning: () => "the sender's link-layer address" },
  ],
});
