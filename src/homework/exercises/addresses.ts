// Notebook 1's exercises: a CIDR test, a group's MAC, and groups that share one.
import { formatIPv4, parseIPv4 } from "../../addresses/address";
import { isMulticast } from "../../addresses/blocks";
import { contains } from "../../addresses/cidr";
import { groupToMac } from "../../addresses/mac";
import { Answer, call, Case, COMPUTE_TIMEOUT_MS, expectCase, ExerciseSpec, shortJson } from "../case";
import { anyGroup, between } from "./draw";
import { say } from "../../i18n/lang";

const inCidrCase = (name: string, pairs: [string, string][], hint?: string): Case =>
  expectCase(
    name,
    pairs.map(([c, a]) => call("inCidr", c, a)),
    pairs.map(([c, a]) => contains(c, a)),
    hint,
  );

/** A network-aligned prefix of `bits` holding `inside`, and an address just outside it (when bits > 0). */
function rangeAround(rand: () => number, bits: number): { cidr: string; inside: string; outside: string } {
  const base = (rand() >>> 0) as number;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const network = (base & mask) >>> 0;
  const inside = (network | (rand() & ~mask)) >>> 0;
  // Flip one bit inside the prefix: the nearest address that is outside.
  const flip = bits === 0 ? 0 : 1 << (32 - between(rand, 1, bits));
  const outside = (inside ^ flip) >>> 0;
  return { cidr: `${formatIPv4(network)}/${bits}`, inside: formatIPv4(inside), outside: formatIPv4(outside) };
}

export const inCidr: ExerciseSpec = {
  id: "addr-incidr",
  notebook: "01-addresses",
  points: 3,
  functions: ["inCidr"],
  locks: ["contains", "explainContains", "parseCidr"],
  visible: () => [
    inCidrCase(say('inCidr("224.0.0.0/4", …) for 224.1.1.5 and 192.168.56.101', 'inCidr("224.0.0.0/4", …): 224.1.1.5와 192.168.56.101'), [["224.0.0.0/4", "224.1.1.5"], ["224.0.0.0/4", "192.168.56.101"]]),
    inCidrCase(say('inCidr("192.168.56.0/24", …) for 192.168.56.105 and 192.168.57.105', 'inCidr("192.168.56.0/24", …): 192.168.56.105와 192.168.57.105'), [["192.168.56.0/24", "192.168.56.105"], ["192.168.56.0/24", "192.168.57.105"]], say("compare the whole masked address, not one byte", "바이트 하나가 아니라, 마스크를 적용한 주소 전체를 비교하세요")),
    inCidrCase(say("/0 holds every address, /32 exactly one", "/0에는 모든 주소가, /32에는 정확히 하나가 들어갑니다"), [["0.0.0.0/0", "239.1.2.3"], ["224.1.1.5/32", "224.1.1.5"], ["224.1.1.5/32", "224.1.1.4"]], say("a /0 mask is 0; build it without shifting by 32", "/0의 마스크는 0입니다. 32만큼 시프트하지 말고 만드세요")),
  ],
  hidden: (rand) => {
    const cases: Case[] = [];
    // Four strata, so that an answer wrong for one kind of prefix loses the same cases whatever the seed.
    for (const bits of [between(rand, 1, 7), between(rand, 9, 23), between(rand, 25, 31)]) {
      const r = rangeAround(rand, bits);
      cases.push(inCidrCase(`/${bits}`, [[r.cidr, r.inside], [r.cidr, r.outside]]));
    }
    const any = rangeAround(rand, 0);
    const exact = rangeAround(rand, 32);
    cases.push(inCidrCase("/0 and /32", [[any.cidr, any.inside], [exact.cidr, exact.inside], [exact.cidr, exact.outside]]));
    return cases;
  },
};


export const macOf: ExerciseSpec = {
  id: "addr-mac",
  notebook: "01-addresses",
  points: 2,
  functions: ["macOf"],
  locks: ["groupToMac", "explainGroupToMac", "macToGroups"],
  visible: () => [
    expectCase(say('macOf("224.1.1.5") and macOf("234.3.2.1")', 'macOf("224.1.1.5") 및 macOf("234.3.2.1")'), [call("macOf", "224.1.1.5"), call("macOf", "234.3.2.1")], ["01:00:5e:01:01:05", "01:00:5e:03:02:01"]),
    expectCase(say('macOf("239.255.255.250") and macOf("224.129.1.5")', 'macOf("239.255.255.250") 및 macOf("224.129.1.5")'), [call("macOf", "239.255.255.250"), call("macOf", "224.129.1.5")], ["01:00:5e:7f:ff:fa", "01:00:5e:01:01:05"], say("keep only the low 23 bits: the 24th bit of the MAC is always 0", "하위 23비트만 남기세요. MAC의 24번째 비트는 항상 0입니다")),
  ],
  hidden: (rand) =>
    [0, 1, 2].map((i) => {
      // One group with the 24th bit set, one with a small last byte (leading zero in hex), one anywhere.
      let g = parseIPv4(anyGroup(rand));
      if (i === 0) g = (g | 0x00800000) >>> 0;
      if (i === 1) g = ((g & 0xffffff00) | between(rand, 0, 15)) >>> 0;
      const group = formatIPv4(g);
      return expectCase(`group ${i + 1}`, [call("macOf", group)], [groupToMac(group)]);
    }),
};

function collideCase(name: string, group: string, hint?: string): Case {
  return {
    name,
    calls: [call("sameMacAs", group)],
    hint,
    timeoutMs: COMPUTE_TIMEOUT_MS,
    judge: ([a]: Answer[]) => {
      if (!a.ok) return `sameMacAs(${JSON.stringify(group)}) ${a.error}`;
      const g = a.value;
      if (!Array.isArray(g) || g.length !== 2 || !g.every((x) => typeof x === "string")) return say(`give exactly two groups as strings, got ${shortJson(g)}`, `그룹을 문자열로 정확히 두 개 돌려주어야 합니다. 돌려준 값: ${shortJson(g)}`);
      const valid = (x: string) => {
        try {
          return isMulticast(x);
        } catch {
          return false;
        }
      };
      if (!g.every(valid)) return say(`not all are multicast groups in dotted-decimal: ${shortJson(g)}`, `점으로 구분한 십진 표기(dotted-decimal)의 멀티캐스트 그룹이 아닌 것이 있습니다: ${shortJson(g)}`);
      const n = g.map((x) => parseIPv4(x));
      if (n[0] === n[1] || n.includes(parseIPv4(group))) return say(`the two must differ from each other and from ${group}`, `두 그룹은 서로 달라야 하고, 어느 쪽도 ${group} 자체여서는 안 됩니다`);
      if (!g.every((x) => groupToMac(x) === groupToMac(group))) return say(`not both on ${groupToMac(group)}, the MAC of ${group}`, `${group}의 MAC인 ${groupToMac(group)}에 대응하지 않는 그룹이 있습니다`);
      return true;
    },
  };
}

export const sameMacAs: ExerciseSpec = {
  id: "addr-collide",
  notebook: "01-addresses",
  points: 2,
  functions: ["sameMacAs"],
  locks: ["macToGroups", "groupToMac", "explainGroupToMac"],
  visible: () => [collideCase('sameMacAs("224.1.1.5")', "224.1.1.5", say("change only the 5 bits after 1110", "1110 뒤의 5비트만 바꾸세요")), collideCase('sameMacAs("239.255.255.250")', "239.255.255.250")],
  hidden: (rand) => [0, 1].map((i) => collideCase(`group ${i + 1}`, i === 0 ? anyGroup(rand) : formatIPv4((parseIPv4(anyGroup(rand)) | 0x0f800000) >>> 0))),
};

export const exercises = [inCidr, macOf, sameMacAs];
