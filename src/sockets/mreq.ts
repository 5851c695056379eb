// ip_mreq, the struct a receiver hands the kernel with IP_ADD_MEMBERSHIP:
// the group, then the address of the interface to join on (0.0.0.0 for
// "let the kernel choose"), each four bytes in network byte order. Node's
// socket.addMembership(group, iface) builds exactly these 8 bytes.
import { addressNumber, formatIPv4, IPv4 } from "../addresses/address";
import { groupNumber } from "../addresses/blocks";

/** The 8 bytes of ip_mreq for a join of `group` on the interface with address `iface` (default 0.0.0.0, INADDR_ANY). */
export function ipMreq(group: IPv4, iface: IPv4 = "0.0.0.0"): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, groupNumber(group), false); // network byte order: big-endian
  view.setUint32(4, addressNumber(iface, "iface"), false);
  return bytes;
}

/** One byte range of struct ip_mreq: the field, its bytes and what they mean. */
export interface MreqRow {
  offset: number;
  field: string;
  bytes: string;
  value: string;
  meaning: string;
}

/** ip_mreq field by field, for a table beside what Node passes. */
export function mreqRows(group: IPv4, iface: IPv4 = "0.0.0.0"): MreqRow[] {
  const b = ipMreq(group, iface);
  const hex = (from: number) => [...b.subarray(from, from + 4)].map((x) => x.toString(16).padStart(2, "0")).join(" ");
  const ifaceText = formatIPv4(addressNumber(iface, "iface"));
  return [
    { offset: 0, field: "imr_multiaddr", bytes: hex(0), value: formatIPv4(groupNumber(group)), meaning: "the group to join" },
    {
      offset: 4, field: "imr_interface", bytes: hex(4), value: ifaceText,
      meaning: ifaceText === "0.0.0.0" ? "INADDR_ANY: the kernel picks the interface (by the route to the group)" : "join on the interface that holds this address",
    },
  ];
}
