// Notebook 5's exercises, the lecture's puzzle: design the capture that shows
// where an INADDR_ANY join went, read it, state the kernel's rule, fix it.
// The checker measures in a lab of its own, never through the student's.
import { formatIPv4, parseIPv4 } from "../../addresses/address";
import { dissect, Packet } from "../../capture/dissect";
import { sniff } from "../../capture/sniff";
import { ArgumentError } from "../../util/errors";
import { interfaceExperiment, kernelJoinInterface, longestMatch, reportAndDatagram, RouteEntry, withRoutes } from "../../lessons/interface-experiment";
import type { Lab } from "../../lab/lab";
import { Answer, call, Case, expectCase, ExerciseSpec, shortJson } from "../case";
import { anyGroupNumber, between, hiddenPort, pick, privateGroup, shuffle } from "./draw";
import { encodePackets } from "../encode";
import { datagram, Frame, query, timed, v2Leave, v2Report, v3Report } from "./igmp-frames";
import { say } from "../../i18n/lang";

// ---- if-capture: the student's capture plan, run by the checker ----

/** The capture exercise's answer: which interfaces to capture on and the tcpdump filter. */
export interface CapturePlan {
  /** The receiver's interfaces to capture on. */
  interfaces: string[];
  /** A tcpdump filter ("" for everything). */
  filter: string;
}

/** What a capture plan is tried against: the receiving host, the group and the port. */
export interface CaptureScenario {
  receiver: string;
  group: string;
  port: number;
}

/** Check a plan at the door: interfaces the receiver has, a filter on one line. */
export function checkCapturePlan(lab: Lab, plan: unknown, receiver: string): CapturePlan {
  const host = lab.topology.hosts.find((h) => h.name === receiver);
  const names = host ? host.interfaces.map((f) => f.name) : [];
  const p = plan as CapturePlan;
  if (plan === null || typeof plan !== "object") throw new ArgumentError("plan", plan, '{ interfaces: ["eth0", ...], filter: "..." }');
  if (!Array.isArray(p.interfaces) || p.interfaces.length === 0 || p.interfaces.length > 4 || !p.interfaces.every((i) => names.includes(i))) {
    throw new ArgumentError("plan.interfaces", p.interfaces, `one to four of ${receiver}'s interfaces (${names.join(", ")})`);
  }
  if (typeof p.filter !== "string" || p.filter.length > 200 || /[\0\n]/.test(p.filter)) throw new ArgumentError("plan.filter", p.filter, 'a tcpdump filter on one line, such as "igmp or udp"');
  return { interfaces: [...new Set(p.interfaces)], filter: p.filter };
}

/**
 * Run a capture plan: capture as planned on the receiver, let it join the
 * group with INADDR_ANY, have midwood send to it from the host-only network,
 * and return every packet caught, each knowing its interface.
 */
export async function runCapturePlan(lab: Lab, plan: CapturePlan, scenario: CaptureScenario): Promise<Packet[]> {
  const p = checkCapturePlan(lab, plan, scenario.receiver);
  const host = lab.host(scenario.receiver);
  const captures = p.interfaces.map((iface) => sniff(host, { iface, filter: p.filter, timeoutMs: 6000 }));
  try {
    await Promise.all(captures.map((c) => c.ready));
    const receiving = host.receive({ group: scenario.group, port: scenario.port, on: "any", timeoutMs: 1500 });
    await receiving.joined;
    await lab.host("midwood").send({ group: scenario.group, port: scenario.port, message: "Hello, World!", from: "192.168.56.103" });
    await receiving.result.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    for (const c of captures) c.stop();
    const packets = (await Promise.all(captures)).flatMap((c) => c.packets);
    return packets.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
  } finally {
    for (const c of captures) c.stop();
  }
}

function planCase(name: string, scenario: CaptureScenario, hint?: string): Case {
  return {
    name,
    calls: [call("capturePlan", scenario.receiver, scenario.group, scenario.port)],
    hint,
    timeoutMs: 15000,
    exclusive: true,
    judge: async ([a]: Answer[], ctx) => {
      if (!a.ok) return `capturePlan(...) ${a.error}`;
      const lab = await ctx.lab();
      let plan: CapturePlan;
      try {
        plan = checkCapturePlan(lab, a.value, scenario.receiver);
      } catch (err) {
        return (err as Error).message;
      }
      let packets: Packet[];
      try {
        packets = await runCapturePlan(lab, plan, scenario);
      } catch (err) {
        return say(`the capture could not run: ${(err as Error).message.split("\n")[0]}`, `캡처를 실행하지 못했습니다: ${(err as Error).message.split("\n")[0]}`);
      }
      const seen = reportAndDatagram(packets, scenario.group);
      if (seen.report === null && seen.datagram === null) return say(`the capture (${plan.interfaces.join(", ")}, filter ${JSON.stringify(plan.filter)}) caught neither the report nor the datagram`, `캡처(${plan.interfaces.join(", ")}, 필터 ${JSON.stringify(plan.filter)})에 멤버십 보고도 데이터그램도 잡히지 않았습니다`);
      if (seen.report === null) return say(`the capture caught the datagram (on ${seen.datagram}) but not the membership report`, `캡처에 데이터그램(${seen.datagram}에서)은 잡혔지만 멤버십 보고는 잡히지 않았습니다`);
      if (seen.datagram === null) return say(`the capture caught the report (on ${seen.report}) but not the datagram`, `캡처에 멤버십 보고(${seen.report}에서)는 잡혔지만 데이터그램은 잡히지 않았습니다`);
      return true;
    },
  };
}

export const capturePlan: ExerciseSpec = {
  id: "if-capture",
  notebook: "05-interface-exercise",
  points: 2,
  functions: ["capturePlan"],
  locks: ["interfaceExperiment", "runCapturePlan"],
  visible: () => [planCase('capturePlan("flatbush", "224.1.1.5", 50001)', { receiver: "flatbush", group: "224.1.1.5", port: 50001 }, say("the report and the datagram do not travel on the same interface", "멤버십 보고와 데이터그램은 같은 인터페이스로 다니지 않습니다"))],
  hidden: (rand) => [planCase("hidden", { receiver: pick(rand, ["eastny", "bushwick"]), group: privateGroup(rand), port: hiddenPort(rand) })],
};

// ---- if-where: reading a capture ----

function whereCase(name: string, frames: Frame[], group = "224.1.1.5", hint?: string): Case {
  const packets = frames.map((f) => dissectFrame(f));
  return expectCase(name, [call("whereTheyWent", encodePackets(frames))], [reportAndDatagram(packets, group)], hint);
}

function dissectFrame(f: Frame): Packet {
  return dissect(f.bytes, { iface: f.iface, time: f.time });
}

const FLATBUSH = "192.168.56.104";
const MIDWOOD = "192.168.56.103";

export const whereTheyWent: ExerciseSpec = {
  id: "if-where",
  notebook: "05-interface-exercise",
  points: 2,
  functions: ["whereTheyWent"],
  locks: ["reportAndDatagram"],
  visible: () => [
    whereCase(
      say("flatbush's INADDR_ANY join, captured on eth0 and eth1", "flatbush의 INADDR_ANY 가입, eth0과 eth1에서 캡처"),
      timed([v3Report(FLATBUSH, [{ type: "CHANGE_TO_EXCLUDE_MODE", group: "224.1.1.5" }], "eth0"), v3Report(FLATBUSH, [{ type: "CHANGE_TO_EXCLUDE_MODE", group: "224.1.1.5" }], "eth0"), datagram(MIDWOOD, "224.1.1.5", 50001, "eth1"), v3Report(FLATBUSH, [{ type: "CHANGE_TO_INCLUDE_MODE", group: "224.1.1.5" }], "eth0")]),
    ),
    whereCase(say("a capture where they swap interfaces", "둘의 인터페이스가 서로 바뀐 캡처"), timed([datagram(MIDWOOD, "224.1.1.5", 50001, "eth0"), v3Report(FLATBUSH, [{ type: "CHANGE_TO_EXCLUDE_MODE", group: "224.1.1.5" }], "eth1")]), "224.1.1.5", say("read p.iface of the packets you find", "찾은 패킷의 p.iface를 읽으세요")),
  ],
  hidden: (rand) => {
    const ifs = ["eth0", "eth1", "eth2"];
    const other = "239.9.9.9";
    const a = pick(rand, ifs);
    const b = pick(rand, ifs);
    return [
      // A v2 report, other groups' traffic first, and a query.
      whereCase("hidden", timed([query("192.168.56.1", b), datagram(MIDWOOD, other, 50001, a), v2Report(FLATBUSH, other, b), v2Report(FLATBUSH, "224.1.1.5", a), datagram(MIDWOOD, "224.1.1.5", 50001, b)])),
      // No datagram at all, and a leave on another interface before the report.
      whereCase("hidden", timed([v2Leave(FLATBUSH, "224.1.1.5", b), v3Report(FLATBUSH, [{ type: "MODE_IS_EXCLUDE", group: other }, { type: "CHANGE_TO_EXCLUDE_MODE", group: "224.1.1.5" }], a)])),
    ];
  },
};

// ---- if-rule: the kernel's rule for an INADDR_ANY join ----

/** flatbush's table in the lab (ip -j route, as mc.routeTable reads it). */
const FLATBUSH_ROUTES: RouteEntry[] = [
  { destination: "default", dev: "eth0", via: "10.0.2.2" },
  { destination: "10.0.2.0/24", dev: "eth0" },
  { destination: "192.168.56.0/24", dev: "eth1" },
];

/** Visible cases: routes added to the checker's own flatbush, and the kernel asked where it joins. */
function kernelRuleCase(name: string, extra: string[], group: string, hint?: string): Case {
  const routes = [...FLATBUSH_ROUTES, ...extra.map((r) => ({ destination: r.split(" ")[0], dev: r.split(" ")[2] }))];
  return {
    name,
    calls: [call("joinInterface", routes, group)],
    hint,
    timeoutMs: 10000,
    exclusive: true,
    judge: async ([a]: Answer[], ctx) => {
      if (!a.ok) return `joinInterface(...) ${a.error}`;
      const lab = await ctx.lab();
      const host = lab.host("flatbush");
      const kernel = await withRoutes(host, extra, () => kernelJoinInterface(host, group));
      return a.value === kernel || say(`you said ${shortJson(a.value)}, the kernel joined on ${kernel}`, `여러분의 답은 ${shortJson(a.value)}이지만, 커널은 ${kernel}에서 가입했습니다`);
    },
  };
}

function randomPrefix(rand: () => number, bits: number, around: number): string {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return `${formatIPv4((around & mask) >>> 0)}/${bits}`;
}

export const joinInterface: ExerciseSpec = {
  id: "if-rule",
  notebook: "05-interface-exercise",
  points: 3,
  functions: ["joinInterface"],
  locks: ["longestMatch", "kernelJoinInterface"],
  visible: () => [
    kernelRuleCase(say("the lecture's routes, group 224.1.1.5", "강의의 경로, 그룹 224.1.1.5"), [], "224.1.1.5"),
    kernelRuleCase(say("with 224.0.0.0/4 routed to eth1, group 224.1.1.5", "224.0.0.0/4를 eth1로 보내는 경로 추가, 그룹 224.1.1.5"), ["224.0.0.0/4 dev eth1"], "224.1.1.5", say("the most specific route that holds the group wins", "그룹을 포함하는 경로 중 가장 구체적인 경로가 선택됩니다")),
    kernelRuleCase(say("with 224.0.0.0/4 to eth1 and 224.1.1.0/24 to eth0, group 224.1.1.5", "224.0.0.0/4는 eth1로, 224.1.1.0/24는 eth0으로, 그룹 224.1.1.5"), ["224.0.0.0/4 dev eth1", "224.1.1.0/24 dev eth0"], "224.1.1.5", say("longest prefix first: /24 beats /4 beats /0", "가장 긴 프리픽스가 우선입니다: /24가 /4보다, /4가 /0보다 우선합니다")),
  ],
  hidden: (rand) =>
    [0, 1, 2].map(() => {
      const g = anyGroupNumber(rand);
      const devs = ["eth0", "eth1", "eth2", "eth3"];
      // Routes that hold the group at several lengths, in random order, plus some that do not.
      const routes: RouteEntry[] = [{ destination: "default", dev: pick(rand, devs) }];
      for (const bits of [4, between(rand, 5, 16), between(rand, 17, 32)]) if (rand() & 1) routes.push({ destination: randomPrefix(rand, bits, g), dev: pick(rand, devs) });
      routes.push({ destination: randomPrefix(rand, between(rand, 9, 30), (g ^ 0x00800000) >>> 0), dev: pick(rand, devs) });
      const shuffled = shuffle(rand, routes);
      return expectCase("hidden", [call("joinInterface", shuffled, formatIPv4(g))], [longestMatch(shuffled, formatIPv4(g))?.dev ?? ""]);
    }),
};

// ---- if-fix: a route that fixes the INADDR_ANY receiver ----

/**
 * The receiver's table is the lecture's plus `extra` (routes toward eth0 that
 * hold the group, so that one fixed answer cannot fix every case); the
 * student's route is added after them, in the checker's lab, and the
 * INADDR_ANY receiver must then get midwood's datagram.
 */
function fixCase(name: string, receiver: string, group: string, extra: string[], hint?: string): Case {
  const routes = [...FLATBUSH_ROUTES, ...extra.map((r) => ({ destination: r.split(" ")[0], dev: r.split(" ")[2] }))];
  return {
    name,
    calls: [call("fixFor", routes, group)],
    hint,
    timeoutMs: 15000,
    exclusive: true,
    judge: async ([a]: Answer[], ctx) => {
      if (!a.ok) return `fixFor(routes, ${JSON.stringify(group)}) ${a.error}`;
      if (typeof a.value !== "string" || !/^[0-9./]+ dev [A-Za-z0-9_.-]{1,15}$/.test(a.value)) return say(`fixFor must return a route such as "10.0.0.0/8 dev eth0", got ${shortJson(a.value)}`, `fixFor는 "10.0.0.0/8 dev eth0" 같은 경로를 돌려주어야 합니다. 돌려준 값: ${shortJson(a.value)}`);
      const lab = await ctx.lab();
      const host = lab.host(receiver);
      let got: string[];
      try {
        got = await withRoutes(host, [...extra, a.value], async () => (await interfaceExperiment({ lab, receiver, group, on: "any" })).received.datagrams.map((d) => d.message));
      } catch (err) {
        return say(`the route ${JSON.stringify(a.value)} could not be used: ${(err as Error).message.split("\n")[0]}`, `${JSON.stringify(a.value)} 경로를 적용하지 못했습니다: ${(err as Error).message.split("\n")[0]}`);
      }
      return got.includes("Hello, World!") || say(`with ${JSON.stringify(a.value)} added, ${receiver}'s INADDR_ANY receiver of ${group} still got nothing`, `${JSON.stringify(a.value)} 경로를 추가해도 ${receiver}에서 INADDR_ANY로 ${group}에 가입한 수신자는 여전히 아무것도 받지 못했습니다`);
    },
  };
}

export const fixFor: ExerciseSpec = {
  id: "if-fix",
  notebook: "05-interface-exercise",
  points: 2,
  functions: ["fixFor"],
  locks: [],
  visible: () => [
    fixCase(say("flatbush's own routes, group 224.1.1.5", "flatbush 자신의 경로, 그룹 224.1.1.5"), "flatbush", "224.1.1.5", [], say("where does the kernel look when the join names no interface?", "가입할 때 인터페이스를 지정하지 않으면 커널은 어디를 볼까요?")),
    fixCase(say("flatbush with 224.0.0.0/8 routed to eth0, group 224.1.1.5", "224.0.0.0/8을 eth0으로 보내는 경로가 있는 flatbush, 그룹 224.1.1.5"), "flatbush", "224.1.1.5", ["224.0.0.0/8 dev eth0"], say("your route must win over every route that holds the group (exercise 3)", "여러분의 경로가 그룹을 포함하는 모든 경로보다 우선해야 합니다(연습 문제 3)")),
  ],
  hidden: (rand) => {
    const group = privateGroup(rand);
    const g = parseIPv4(group);
    // At least one route longer than /4 holds the group, so "224.0.0.0/4 dev eth1" alone cannot win.
    const bits = [4, between(rand, 5, 16), between(rand, 17, 28)].filter(() => rand() & 1);
    if (!bits.some((b) => b > 4)) bits.push(between(rand, 8, 24));
    const extra = bits.map((b) => `${randomPrefix(rand, b, g)} dev eth0`);
    return [fixCase("hidden", pick(rand, ["eastny", "bushwick"]), group, extra)];
  },
};

export const exercises = [capturePlan, whereTheyWent, joinInterface, fixFor];
