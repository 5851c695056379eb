// Figures for notebook 1: where multicast sits in the IPv4 space, and which
// bits of a group survive into its Ethernet address.
import { Plot } from "../util/plot-library";
import { formatIPv4, IPv4 } from "./address";
import { groupNumber } from "./blocks";
import { plot } from "../util/display";
import { groupToMac } from "./mac";

/** The sixteen /4 blocks of IPv4, four to a row, the multicast one marked. */
export function addressSpaceFigure(): Element {
  const blocks = Array.from({ length: 16 }, (_, i) => {
    const first = i * 16;
    const kind = first === 224 ? "multicast 224.0.0.0/4" : first === 240 ? "reserved 240.0.0.0/4" : "unicast (and special) addresses";
    return { i, col: i % 4, row: Math.floor(i / 4), label: `${first}.0.0.0/4`, bits: i.toString(2).padStart(4, "0"), kind };
  });
  return plot({
    title: "IPv4 in sixteen /4 blocks: the first 4 bits pick the block",
    width: 640,
    height: 260,
    padding: 0.06,
    x: { axis: null },
    y: { axis: null },
    color: { legend: true, domain: ["unicast (and special) addresses", "multicast 224.0.0.0/4", "reserved 240.0.0.0/4"], range: ["#dde3ea", "#e4572e", "#9aa5b1"] },
    marks: [
      Plot.cell(blocks, { x: "col", y: "row", fill: "kind", inset: 1 }),
      Plot.text(blocks, { x: "col", y: "row", text: "label", dy: -7, fontSize: 12 }),
      Plot.text(blocks, { x: "col", y: "row", text: (d: { bits: string }) => `first bits ${d.bits}`, dy: 9, fontSize: 10, fillOpacity: 0.8 }),
    ],
  });
}

interface BitCell {
  row: string;
  position: number;
  bit: string;
  role: string;
}

const GROUP_ROLES = ["1110: says 'multicast'", "lost: 5 bits the MAC has no room for", "copied: the low 23 bits", "fixed by 01:00:5e (and a 0)"];

/** The 32 bits of a group over the 48 bits of its MAC: 4 fixed, 5 lost, 23 copied. */
export function groupMacBitsFigure(group: IPv4): Element {
  const n = groupNumber(group);
  const groupRow = `group ${formatIPv4(n)}`;
  const mac = groupToMac(n);
  const macRow = `MAC ${mac}`;
  const cells: BitCell[] = [];
  for (let p = 0; p < 32; p++) {
    const bit = String((n >>> (31 - p)) & 1);
    const role = p < 4 ? GROUP_ROLES[0] : p < 9 ? GROUP_ROLES[1] : GROUP_ROLES[2];
    cells.push({ row: groupRow, position: p + 16, bit, role });
  }
  const macBits = mac.split(":").map((h) => parseInt(h, 16).toString(2).padStart(8, "0")).join("");
  for (let p = 0; p < 48; p++) {
    cells.push({ row: macRow, position: p, bit: macBits[p], role: p < 25 ? GROUP_ROLES[3] : GROUP_ROLES[2] });
  }
  return plot({
    title: `Group ${formatIPv4(n)} and its Ethernet address: 28 group bits, 23 reach the MAC`,
    width: 760,
    height: 150,
    marginLeft: 170,
    x: { axis: null },
    y: { label: null, domain: [groupRow, macRow] },
    color: { legend: true, domain: GROUP_ROLES, range: ["#e4572e", "#9aa5b1", "#29335c", "#dde3ea"] },
    marks: [
      Plot.cell(cells, { x: "position", y: "row", fill: "role", inset: 0.5 }),
      Plot.text(cells, { x: "position", y: "row", text: "bit", fill: (d: BitCell) => (d.role === GROUP_ROLES[2] ? "white" : "black"), fontSize: 9 }),
    ],
  });
}
