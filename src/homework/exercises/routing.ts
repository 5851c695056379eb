// Notebook 7's exercises: how far a datagram gets across a row of routers,
// and the least TTL that reaches the last network. The row: network 0 is the
// sender's; router k joins network k-1 to network k and forwards out of
// network k only what arrives with a TTL above thresholds[k-1], one less
// than it came. The rule is checked against smcrouted and the kernel in
// test/routing.test.ts (ttlReach in the routed lab, thresholds and all).
import { isLinkLocalGroup } from "../../addresses/blocks";
import { call, Case, expectCase, ExerciseSpec } from "../case";
import { between, pick } from "./draw";
import { say } from "../../i18n/lang";

/**
 * The TTL a datagram sent with `ttl` carries on each network of the row, null
 * where it never gets. The sender has not joined the group, so even TTL 0
 * goes out on its own network (this kernel, notebook 4), and no router forwards it.
 */
export function arrivingTtls(ttl: number, thresholds: number[], group: string): Array<number | null> {
  const out: Array<number | null> = [ttl];
  for (const threshold of thresholds) {
    const here = out[out.length - 1];
    out.push(here !== null && !isLinkLocalGroup(group) && here > threshold ? here - 1 : null);
  }
  return out;
}

/** The least TTL that reaches the last network of a row of one router or more, or null when none up to 255 does. */
export function leastTtl(thresholds: number[], group: string): number | null {
  if (isLinkLocalGroup(group)) return null;
  // Router k sees the datagram with ttl - (k - 1) and needs more than its threshold.
  const least = thresholds.reduce((m, t, i) => Math.max(m, t + i + 1), 1);
  return least <= 255 ? least : null;
}

const GROUPS = ["224.1.1.5", "234.3.2.1", "239.255.0.1", "224.0.0.251", "232.1.2.3"];

function reachCase(name: string, asks: Array<[number, number[], string]>, hint?: string): Case {
  return expectCase(name, asks.map(([t, th, g]) => call("arrivingTtls", t, th, g)), asks.map(([t, th, g]) => arrivingTtls(t, th, g)), hint);
}

function leastCase(name: string, asks: Array<[number[], string]>, hint?: string): Case {
  return expectCase(name, asks.map(([th, g]) => call("leastTtl", th, g)), asks.map(([th, g]) => leastTtl(th, g)), hint);
}

const randomThresholds = (rand: () => number) => Array.from({ length: between(rand, 1, 4) }, () => (rand() % 3 === 0 ? between(rand, 2, 40) : 1));

export const reach: ExerciseSpec = {
  id: "ttl-reach",
  notebook: "07-routing",
  points: 3,
  functions: ["arrivingTtls"],
  locks: ["ttlReach"],
  visible: () => [
    reachCase(
      say("the lab's two routers, thresholds 1: TTL 1, 2 and 3", "실습의 라우터 두 대, 임계값 1: TTL 1, 2, 3"),
      [[1, [1, 1], "224.1.1.5"], [2, [1, 1], "224.1.1.5"], [3, [1, 1], "224.1.1.5"]],
      say("each router takes one off, and forwards only what arrives with more than its threshold", "라우터는 TTL을 하나씩 줄이고, 임계값보다 큰 TTL로 도착한 것만 전달합니다"),
    ),
    reachCase(
      say("TTL 0, and 224.0.0.251 with TTL 5", "TTL 0, 그리고 TTL 5로 보낸 224.0.0.251"),
      [[0, [1, 1], "224.1.1.5"], [5, [1, 1], "224.0.0.251"]],
      say("TTL 0 goes out on the sender's network (it has not joined the group) and no further; 224.0.0.0/24 never leaves its network", "TTL 0은 보낸 쪽 네트워크에는 나가지만(보낸 호스트가 그룹에 가입하지 않았으므로) 그 너머로는 가지 않습니다. 224.0.0.0/24는 자기 네트워크를 떠나지 않습니다"),
    ),
    reachCase(
      say("router2's threshold 4: TTL 5 and 6", "router2의 임계값이 4일 때: TTL 5와 6"),
      [[5, [1, 4], "234.3.2.1"], [6, [1, 4], "234.3.2.1"]],
      say("router2 sees the datagram with one less than it was sent with", "router2에 도착한 데이터그램의 TTL은 보낸 값보다 하나 작습니다"),
    ),
  ],
  hidden: (rand) =>
    Array.from({ length: 4 }, (_, i) =>
      reachCase(`hidden ${i + 1}`, [0, 1].map(() => [between(rand, 0, 12), randomThresholds(rand), pick(rand, GROUPS)] as [number, number[], string])),
    ),
};

export const least: ExerciseSpec = {
  id: "least-ttl",
  notebook: "07-routing",
  points: 2,
  functions: ["leastTtl"],
  locks: ["ttlReach"],
  visible: () => [
    leastCase(
      say("the lab's two routers, thresholds 1, and router2's threshold 4", "실습의 라우터 두 대, 임계값 1일 때와 router2의 임계값이 4일 때"),
      [[[1, 1], "224.1.1.5"], [[1, 4], "224.1.1.5"]],
      say("the datagram must arrive at each router with more than its threshold", "데이터그램은 각 라우터에 그 임계값보다 큰 TTL로 도착해야 합니다"),
    ),
    leastCase(
      say("one router, and a link-local group behind it", "라우터 하나, 그리고 그 너머의 링크 로컬 그룹"),
      [[[1], "224.1.1.5"], [[1], "224.0.0.251"]],
      say("no TTL takes 224.0.0.0/24 past a router: null", "어떤 TTL도 224.0.0.0/24를 라우터 너머로 보내지 못합니다: null"),
    ),
    leastCase(say("a strict first router: thresholds 8 and 1", "엄격한 첫 라우터: 임계값 8과 1"), [[[8, 1], "239.255.0.1"]]),
  ],
  hidden: (rand) => [
    ...Array.from({ length: 3 }, (_, i) => leastCase(`hidden ${i + 1}`, [[randomThresholds(rand), pick(rand, GROUPS)], [randomThresholds(rand), pick(rand, GROUPS)]])),
    leastCase("hidden 4", [[[between(rand, 250, 255), 1], "224.1.1.5"]]),
  ],
};

export const exercises = [reach, least];
