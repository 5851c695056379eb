// Notebook 3's exercise: which hosts joined which groups, read from IGMP.
import { dissect } from "../../capture/dissect";
import { joinedPairs } from "../../capture/memberships";
import { call, Case, expectCase, ExerciseSpec } from "../case";
import { anyGroup, between, hostOnlyAddress, pick, shuffle } from "./draw";
import { encodePackets } from "../encode";
import { Frame, query, randomRecordType, timed, v1Report, v2Leave, v2Report, v3Report } from "./igmp-frames";
import { say } from "../../i18n/lang";

function joinsCase(name: string, frames: Frame[], hint?: string): Case {
  const expected = joinedPairs(frames.map((f) => dissect(f.bytes, { iface: f.iface, time: f.time })));
  return expectCase(name, [call("whoJoined", encodePackets(frames))], [expected], hint);
}

/** What bushwick's sniffer catches in the lecture: three joins, each reported twice, then their leaves. */
function lectureCapture(): Frame[] {
  const joins = [
    ["192.168.56.101", "224.1.1.5"],
    ["192.168.56.104", "224.1.1.5"],
    ["192.168.56.105", "234.3.2.1"],
  ];
  const frames: Frame[] = [];
  for (const [host, group] of joins) frames.push(v3Report(host, [{ type: "CHANGE_TO_EXCLUDE_MODE", group }]));
  for (const [host, group] of joins) frames.push(v3Report(host, [{ type: "CHANGE_TO_EXCLUDE_MODE", group }]));
  for (const [host, group] of joins) frames.push(v3Report(host, [{ type: "CHANGE_TO_INCLUDE_MODE", group }]));
  return timed(frames);
}

export const whoJoined: ExerciseSpec = {
  id: "lab-joins",
  notebook: "03-lab",
  points: 3,
  functions: ["whoJoined"],
  locks: ["joinedPairs", "memberships"],
  visible: () => [
    joinsCase(say("the lecture's three receivers, as bushwick's sniffer sees them", "강의의 수신자 셋, bushwick의 스니퍼가 본 그대로"), lectureCapture(), say("three hosts each join one group, reported twice, then leave", "세 호스트가 각각 그룹 하나에 가입하고(보고는 두 번씩), 그다음 탈퇴합니다")),
    joinsCase(
      say("v2 report, v2 leave, a v3 join and a v3 leave, a query", "v2 보고, v2 탈퇴, v3 가입과 v3 탈퇴, 질의(query)"),
      timed([
        v2Report("192.168.56.101", "239.1.1.1"),
        v2Leave("192.168.56.105", "239.2.2.2"),
        v3Report("192.168.56.104", [{ type: "CHANGE_TO_EXCLUDE_MODE", group: "232.1.1.1" }, { type: "CHANGE_TO_INCLUDE_MODE", group: "239.9.9.9" }]),
        query(),
      ]),
      say("a leave and a query are no joins", "탈퇴와 질의는 가입이 아닙니다"),
    ),
    joinsCase(
      say("source-specific records: ALLOW_NEW_SOURCES, BLOCK_OLD_SOURCES, MODE_IS_INCLUDE with and without sources", "소스 지정 레코드: ALLOW_NEW_SOURCES, BLOCK_OLD_SOURCES, 소스가 있는 MODE_IS_INCLUDE와 없는 MODE_IS_INCLUDE"),
      timed([
        v3Report("192.168.56.101", [{ type: "ALLOW_NEW_SOURCES", group: "232.1.1.1", sources: ["192.168.56.103"] }]),
        v3Report("192.168.56.104", [{ type: "BLOCK_OLD_SOURCES", group: "232.2.2.2", sources: ["192.168.56.103"] }, { type: "MODE_IS_INCLUDE", group: "232.3.3.3", sources: ["192.168.56.103"] }]),
        v3Report("192.168.56.105", [{ type: "MODE_IS_INCLUDE", group: "239.4.4.4" }, { type: "MODE_IS_EXCLUDE", group: "239.5.5.5" }]),
      ]),
      say("BLOCK_OLD_SOURCES is a leave; INCLUDE with sources is a join", "BLOCK_OLD_SOURCES는 탈퇴이고, 소스가 있는 INCLUDE는 가입입니다"),
    ),
  ],
  hidden: (rand) => {
    const cases: Case[] = [];
    // v1/v2 only; v3 records of every type, with and without sources; a mix with queries and repeats.
    const hosts = [0, 1, 2, 3].map(() => hostOnlyAddress(rand));
    const groups = [0, 1, 2, 3].map(() => anyGroup(rand));
    cases.push(joinsCase("v1 and v2", timed(shuffle(rand, [v1Report(hosts[0], groups[0]), v2Report(hosts[1], groups[1]), v2Leave(hosts[2], groups[2]), v2Report(hosts[1], groups[1])]))));
    const records = [0, 1, 2, 3, 4, 5].map((t) => ({ type: t + 1, group: pick(rand, groups), sources: rand() & 1 ? [hostOnlyAddress(rand)] : [] }));
    cases.push(joinsCase("v3 records", timed([v3Report(hosts[3], records.slice(0, 3)), v3Report(hosts[0], records.slice(3))])));
    const mixed: Frame[] = [query()];
    for (let i = 0; i < between(rand, 4, 7); i++) {
      const h = pick(rand, hosts);
      mixed.push(rand() % 3 === 0 ? v2Report(h, pick(rand, groups)) : v3Report(h, [{ type: randomRecordType(rand), group: pick(rand, groups), sources: rand() & 1 ? [hostOnlyAddress(rand)] : [] }]));
    }
    cases.push(joinsCase("a mixed capture", timed(mixed)));
    return cases;
  },
};

export const exercises = [whoJoined];
