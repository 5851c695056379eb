// The UDP header (RFC 768). Its checksum covers a pseudo-header (source,
// destination, protocol, UDP length) as well as the datagram, so a datagram
// delivered to the wrong address fails it; 0 means the sender computed none.
import { internetChecksum, judgeChecksum } from "./checksum";

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}
import { defineHeader } from "./header";
import { HEX, INT } from "./formats";
import { Layer } from "./layer";
import { PROTO_UDP } from "./ipv4";

export const UDP = defineHeader({
  name: "UDP",
  className: "UDP",
  fields: [
    { name: "sport", offset: 0, bytes: 2, format: INT, meaning: (v: number) => (v >= 32768 ? "the sender's port, picked by its kernel (ephemeral)" : "the sender's port") },
    { name: "dport", offset: 2, bytes: 2, format: INT, meaning: () => "the port the receivers bound" },
    { name: "len", offset: 4, bytes: 2, format: INT, meaning: (v: number) => (v >= 8 ? `${v} = 8 (header) + ${v - 8} (data)` : "shorter than the 8-byte header") },
    { name: "chksum", offset: 6, bytes: 2, format: HEX },
  ],
  summary: (l) => {
    const ip = l.below;
    return ip && ip.name === "IP"
      ? `UDP ${ip.repr("src")}:${l.repr("sport")} > ${ip.repr("dst")}:${l.repr("dport")}`
      : `UDP ${l.repr("sport")} > ${l.repr("dport")}`;
  },
});

/** Verify the checksum of a UDP datagram under an IPv4 header, and note it on the layer. */
export function checkUDP(udp: Layer, ip: Layer): void {
  const found = udp.num("chksum");
  const length = udp.num("len");
  const d = udp.data;
  if (found === 0) {
    udp.check = { field: "chksum", status: "none", found };
    return;
  }
  const complete = !Number.isNaN(found) && length >= 8 && udp.start + length <= udp.limit;
  if (!complete) return judgeChecksum(udp, found, null);
  const s = ip.start;
  // Pseudo-header: source and destination addresses, zero and protocol, UDP length.
  const pseudo = ((d[s + 12] << 8) | d[s + 13]) + ((d[s + 14] << 8) | d[s + 15]) + ((d[s + 16] << 8) | d[s + 17]) + ((d[s + 18] << 8) | d[s + 19]) + PROTO_UDP + length;
  let expected = internetChecksum(d, udp.start, udp.start + length, udp.start + 6, pseudo);
  if (expected === 0) expected = 0xffff; // a computed 0 is sent as 0xffff: 0 means "none"
  // Checksum offload: the sender's kernel wrote only the pseudo-header's sum
  // and left the rest to the NIC; a capture on the way (and every packet on
  // the lab's virtual links, which never finish it) shows that value.
  judgeChecksum(udp, found, expected, found === fold(pseudo));
}
