// Notebook 2's exercises: build the ip_mreq a join hands the kernel, and say
// who gets a datagram (the checker measures that on loopback itself, so the
// answer can only come from real receivers). The sender and receiver the
// student writes are notebook 3's (socket-programs.ts): they run in the lab.
import { whoReceives } from "../../lessons/loopback-probe";
import { ipMreq } from "../../sockets/mreq";
import { Answer, call, Case, expectCase, ExerciseSpec, sameJson, shortJson } from "../case";
import { anyGroup, between, hiddenPort, hostOnlyAddress, pick, privateGroup, shuffle } from "./draw";
import { say } from "../../i18n/lang";

// ---- sr-mreq: the 8 bytes of ip_mreq ----

const mreqCase = (name: string, group: string, iface: string, hint?: string) =>
  expectCase(name, [call("mreqBytes", group, iface)], [[...ipMreq(group, iface)]], hint);

export const mreqBytes: ExerciseSpec = {
  id: "sr-mreq",
  notebook: "02-send-receive",
  points: 2,
  functions: ["mreqBytes"],
  locks: ["ipMreq"],
  visible: () => [
    mreqCase(say('mreqBytes("224.1.1.5", "192.168.56.104"): flatbush\'s join', 'mreqBytes("224.1.1.5", "192.168.56.104"): flatbush의 가입'), "224.1.1.5", "192.168.56.104", say("the group's four bytes first, then the interface's, most significant byte first", "그룹 주소의 네 바이트가 먼저, 그다음 인터페이스 주소의 네 바이트가 옵니다. 둘 다 최상위 바이트가 먼저입니다")),
    mreqCase(say('mreqBytes("234.3.2.1", "0.0.0.0"): a join on INADDR_ANY', 'mreqBytes("234.3.2.1", "0.0.0.0"): INADDR_ANY로 하는 가입'), "234.3.2.1", "0.0.0.0"),
  ],
  hidden: (rand) => [
    mreqCase("hidden 0", anyGroup(rand), `10.${between(rand, 0, 255)}.${between(rand, 0, 255)}.${between(rand, 1, 254)}`),
    mreqCase("hidden 1", privateGroup(rand), hostOnlyAddress(rand)),
  ],
};

function whoCase(name: string, joined: Record<string, string>, sentTo: string, port: number, hint?: string): Case {
  return {
    name,
    calls: [call("whoGets", joined, sentTo)],
    hint,
    timeoutMs: 8000,
    exclusive: true,
    judge: async ([a]: Answer[]) => {
      if (!a.ok) return `whoGets(...) ${a.error}`;
      const measured = await whoReceives(joined, sentTo, port);
      return sameJson(a.value, measured) || say(`you said ${shortJson(a.value)}, loopback says ${JSON.stringify(measured)}`, `여러분의 답은 ${shortJson(a.value)}이지만, 루프백에서 측정한 결과는 ${JSON.stringify(measured)}입니다`);
    },
  };
}

const NAMES = ["eastny", "midwood", "flatbush", "bushwick", "redhook", "astoria"];
// Groups that share 01:00:5e:01:01:05, and two others.
const POOL = ["224.1.1.5", "224.129.1.5", "239.1.1.5", "234.3.2.1", "239.255.0.9"];

export const whoGets: ExerciseSpec = {
  id: "sr-who",
  notebook: "02-send-receive",
  points: 2,
  functions: ["whoGets"],
  locks: ["whoReceives"],
  visible: () => [
    whoCase(say("the lecture's receivers, datagram to 224.1.1.5", "강의의 수신자들, 224.1.1.5로 보낸 데이터그램"), { eastny: "224.1.1.5", flatbush: "224.1.1.5", bushwick: "234.3.2.1" }, "224.1.1.5", 50121),
    whoCase(say("three groups on one MAC, datagram to 224.129.1.5", "MAC 하나를 함께 쓰는 세 그룹, 224.129.1.5로 보낸 데이터그램"), { a: "224.1.1.5", b: "224.129.1.5", c: "239.1.1.5" }, "224.129.1.5", 50122, say("the kernel compares the whole group, not the MAC", "커널은 MAC이 아니라 그룹 주소 전체를 비교합니다")),
  ],
  hidden: (rand) =>
    [0, 1].map((i) => {
      const joined: Record<string, string> = {};
      const names = shuffle(rand, NAMES).slice(0, between(rand, 3, 5));
      for (const n of names) joined[n] = pick(rand, POOL);
      return whoCase(`hidden ${i}`, joined, pick(rand, POOL), hiddenPort(rand));
    }),
};

export const exercises = [mreqBytes, whoGets];
