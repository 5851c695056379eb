// Figures for notebook 1: where multicast sits in the IPv4 space, and which
// bits of a group survive into its Ethernet address.
import { Plot } from "../util/plot-library";
import { formatIPv4, IPv4 } from "./address";
import { groupNumber } from "./blocks";
import { plot } from "../util/display";
import { groupToMac } from "./mac";
import { say } from "../i18n/lang";

/** The sixteen /4 blocks of IPv4, four to a row, the multicast one marked. */
export function addressSpaceFigure(): Element {
  const kinds = [say("unicast (and special) addresses", "유니캐스트 (및 특수) 주소"), say("multicast 224.0.0.0/4", "멀티캐스트 224.0.0.0/4"), say("reserved 240.0.0.0/4", "예약됨 240.0.0.0/4")];
  const blocks = Array.from({ length: 16 }, (_, i) => {
    const first = i * 16;
    const kind = first === 224 ? kinds[1] : first === 240 ? kinds[2] : kinds[0];
    return { i, col: i % 4, row: Math.floor(i / 4), label: `${first}.0.0.0/4`, bits: i.toString(2).padStart(4, "0"), kind };
  });
  return plot({
    title: say("IPv4 in sixteen /4 blocks: the first 4 bits pick the block", "IPv4를 /4 블록 열여섯 개로: 첫 4비트가 블록을 고릅니다"),
    width: 640,
    height: 260,
    padding: 0.06,
    x: { axis: null },
    y: { axis: null },
    color: { legend: true, domain: kinds, range: ["#dde3ea", "#e4572e", "#9aa5b1"] },
    marks: [
      Plot.cell(blocks, { x: "col", y: "row", fill: "kind", inset: 1 }),
      Plot.text(blocks, { x: "col", y: "row", text: "label", dy: -7, fontSize: 12 }),
      Plot.text(blocks, { x: "col", y: "row", text: (d: { bits: string }) => say(`first bits ${d.bits}`, `첫 비트 ${d.bits}`), dy: 9, fontSize: 10, fillOpacity: 0.8 }),
    ],
  });
}

interface BitCell {
  row: string;
  position: number;
  bit: string;
  role: string;
}

/** The legend's four roles of a bit, in the language in use. */
function groupRoles(): string[] {
  return [
    say("1110: says 'multicast'", "1110: '멀티캐스트'라는 표시"),
    say("lost: 5 bits the MAC has no room for", "버려짐: MAC에 자리가 없는 5비트"),
    say("copied: the low 23 bits", "복사됨: 하위 23비트"),
    say("fixed by 01:00:5e (and a 0)", "01:00:5e (와 0) 으로 고정"),
  ];
}

/** The 32 bits of a group over the 48 bits of its MAC: 4 fixed, 5 lost, 23 copied. */
export function groupMacBitsFigure(group: IPv4): Element {
  const n = groupNumber(group);
  const GROUP_ROLES = groupRoles();
  const groupRow = say(`group ${formatIPv4(n)}`, `그룹 ${formatIPv4(n)}`);
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
    title: say(`Group ${formatIPv4(n)} and its Ethernet address: 28 group bits, 23 reach the MAC`, `그룹 ${formatIPv4(n)}과 그 이더넷 주소: 그룹 비트 28개 중 23개가 MAC에 들어갑니다`),
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
