// Notebook 6's exercise: which hosts does midwood's datagram reach on a
// switch that snoops, given who joined and left? The rule (checked against
// the bridge itself in test/snooping.test.ts, with whoHears): without a
// querier, or for a link-local group (224.0.0.0/24), every port but the
// sender's; with one, the ports of the hosts whose last word on the group
// was a join.
import { isLinkLocalGroup } from "../../addresses/blocks";
import { call, Case, expectCase, ExerciseSpec } from "../case";
import { between, pick } from "./draw";
import { say } from "../../i18n/lang";

export interface MembershipEvent {
  host: string;
  group: string;
  action: "join" | "leave";
}

/** The lecture's hosts that can receive midwood's datagram. */
export const RECEIVING_HOSTS = ["bushwick", "eastny", "flatbush"] as const;

/** Who gets a datagram to `group` from midwood (alphabetical): the rule the exercise asks for. */
export function snoopedHosts(events: MembershipEvent[], group: string, querier: boolean): string[] {
  if (!querier || isLinkLocalGroup(group)) return [...RECEIVING_HOSTS];
  const member = new Map<string, boolean>();
  for (const e of events) if (e.group === group) member.set(e.host, e.action === "join");
  return RECEIVING_HOSTS.filter((h) => member.get(h) === true);
}

const LECTURE: MembershipEvent[] = [
  { host: "eastny", group: "224.1.1.5", action: "join" },
  { host: "flatbush", group: "224.1.1.5", action: "join" },
  { host: "bushwick", group: "234.3.2.1", action: "join" },
];

function whoGetsCase(name: string, events: MembershipEvent[], asks: Array<[string, boolean]>, hint?: string): Case {
  return expectCase(
    name,
    asks.map(([group, querier]) => call("whoGets", events, group, querier)),
    asks.map(([group, querier]) => snoopedHosts(events, group, querier)),
    hint,
  );
}

export const whoGets: ExerciseSpec = {
  id: "snoop-ports",
  notebook: "06-snooping",
  points: 3,
  functions: ["whoGets"],
  locks: ["whoHears"],
  visible: () => [
    whoGetsCase(
      say("the lecture's joins, with a querier: 224.1.1.5 and 234.3.2.1", "강의의 가입, 질의자가 있을 때: 224.1.1.5와 234.3.2.1"),
      LECTURE,
      [["224.1.1.5", true], ["234.3.2.1", true]],
      say("with a querier, a group goes only to the hosts that joined it", "질의자가 있으면 그룹은 가입한 호스트에게만 갑니다"),
    ),
    whoGetsCase(
      say("the lecture's joins, without a querier, and 224.0.0.251 with one", "강의의 가입, 질의자가 없을 때, 그리고 질의자가 있을 때의 224.0.0.251"),
      LECTURE,
      [["224.1.1.5", false], ["224.0.0.251", true]],
      say("no querier: the switch floods; 224.0.0.0/24 is always flooded", "질의자가 없으면 스위치는 플러딩합니다. 224.0.0.0/24는 언제나 플러딩됩니다"),
    ),
    whoGetsCase(
      say("eastny joins and leaves, flatbush joins", "eastny가 가입했다가 탈퇴하고, flatbush가 가입합니다"),
      [
        { host: "eastny", group: "239.1.1.1", action: "join" },
        { host: "flatbush", group: "239.1.1.1", action: "join" },
        { host: "eastny", group: "239.1.1.1", action: "leave" },
      ],
      [["239.1.1.1", true]],
      say("a host's last word on a group counts", "그룹에 대해 호스트가 마지막으로 한 말이 유효합니다"),
    ),
  ],
  hidden: (rand) => {
    const groups = ["224.1.1.5", "234.3.2.1", "239.255.0.1", "224.0.0.251", `232.1.${between(rand, 0, 255)}.${between(rand, 1, 254)}`];
    const cases: Case[] = [];
    for (let i = 0; i < 4; i++) {
      const events: MembershipEvent[] = [];
      for (let k = 0; k < between(rand, 2, 8); k++) events.push({ host: pick(rand, RECEIVING_HOSTS), group: pick(rand, groups), action: rand() % 3 === 0 ? "leave" : "join" });
      cases.push(whoGetsCase(`joins and leaves ${i + 1}`, events, [[pick(rand, groups), i !== 3], [pick(rand, groups), rand() % 4 !== 0]]));
    }
    return cases;
  },
};

export const exercises = [whoGets];
