// Notebook 8's exercise: a receiver that gets one source of one group and
// nothing else. The student's function runs in a lab host (Host.call), as
// notebook 3's programs do. The checker's own receiver joins a second group
// on the same port on that host first, and then four datagrams go out, once
// the student's socket has joined: the wanted source to the group, another
// host to the same group, the wanted source to the second group (which a
// socket bound to 0.0.0.0 gets, by IP_MULTICAST_ALL, since a socket on the
// host joined it), and the wanted source to the group again. Only the first
// and the last may come back, in that order.
import type { Lab } from "../../lab/lab";
import { Answer, Case, CaseContext, ExerciseSpec, shortJson, sourceOf } from "../case";
import { addressOf, runReceiver, START_SLACK_MS, stillOpen, word } from "./socket-programs";
import { between, hiddenPort, pick } from "./draw";
import { say } from "../../i18n/lang";

const HOSTS = ["eastny", "midwood", "flatbush", "bushwick"];

interface SourceScenario {
  /** Where the student's receiver runs. */
  host: string;
  group: string;
  /** The host whose datagrams are wanted, and the one whose are not. */
  source: string;
  other: string;
  /** The checker's group on the same port. */
  decoy: string;
  port: number;
  timeoutMs: number;
  tag: string;
}

function sourceCase(name: string, s: SourceScenario, hint?: string): Case {
  const wanted = [`${s.tag} 1`, `${s.tag} 4`];
  return {
    name,
    calls: [sourceOf("receiveFrom", s.host, s.group, s.source, s.port, s.timeoutMs)],
    hint,
    timeoutMs: s.timeoutMs + 14000,
    exclusive: true,
    judge: async ([a]: Answer[], ctx: CaseContext) => {
      if (!a.ok) return `receiveFrom ${a.error}`;
      const lab: Lab = await ctx.lab();
      const host = lab.host(s.host);
      const on = addressOf(lab, s.host, "eth1");
      const source = addressOf(lab, s.source, "eth1");
      const what = say(
        `receiveFrom(${JSON.stringify(s.group)}, ${JSON.stringify(source)}, ${s.port}, ${JSON.stringify(on)}, ${s.timeoutMs}) in ${s.host}`,
        `${s.host}에서 실행한 receiveFrom(${JSON.stringify(s.group)}, ${JSON.stringify(source)}, ${s.port}, ${JSON.stringify(on)}, ${s.timeoutMs})`,
      );
      // The checker's socket first: on the same port, joined to the decoy group, on the same interface.
      const decoy = host.receive({ group: s.decoy, port: s.port, on, count: 100, timeoutMs: s.timeoutMs + START_SLACK_MS + 2000, signal: ctx.signal });
      let got: { value: unknown; ms: number; open: number };
      try {
        await decoy.joined;
        const send = (from: string, group: string, message: string) => lab.host(from).send({ group, port: s.port, from: addressOf(lab, from, "eth1"), message });
        got = await runReceiver(host, a.value as string, [s.group, source, s.port, on, s.timeoutMs], {
          group: s.group,
          listenMs: s.timeoutMs,
          signal: ctx.signal,
          send: async () => {
            await send(s.source, s.group, `${s.tag} 1`);
            await send(s.other, s.group, `${s.tag} 2`);
            await send(s.source, s.decoy, `${s.tag} 3`);
            await send(s.source, s.group, `${s.tag} 4`);
          },
        });
      } catch (err) {
        return say(`${what} failed: ${(err as Error).message}`, `${what}: 실행에 실패했습니다: ${(err as Error).message}`);
      } finally {
        decoy.cancel();
        await decoy.result.catch(() => undefined);
      }
      const open = got.open;
      const value = got.value;
      if (!Array.isArray(value) || value.some((m) => typeof m !== "string")) {
        return say(`${what}: it resolved with ${shortJson(value)}; resolve with an array of the messages received, as text`, `${what}: 결과가 ${shortJson(value)}입니다. 받은 메시지들을 텍스트 배열로 resolve하세요`);
      }
      const wrong: string[] = [];
      if (value.includes(`${s.tag} 2`)) wrong.push(say(`it got ${s.other}'s datagram to ${s.group}: only ${source}'s should pass (join with the source: addSourceSpecificMembership)`, `${s.other}가 ${s.group}로 보낸 데이터그램을 받았습니다. ${source}의 것만 통과해야 합니다(소스를 지정해 가입하세요: addSourceSpecificMembership)`));
      if (value.includes(`${s.tag} 3`)) wrong.push(say(`it got a datagram to ${s.decoy}, a group another socket on ${s.host} joined on this port: bind to the group's address, not 0.0.0.0`, `${s.host}의 다른 소켓이 이 포트에서 가입한 그룹 ${s.decoy}로 간 데이터그램을 받았습니다: 0.0.0.0이 아니라 그룹 주소에 바인드하세요`));
      const kept = value.filter((m) => wanted.includes(m));
      if (kept.join("|") !== wanted.join("|")) wrong.push(say(`of ${source}'s two datagrams to ${s.group} it returned ${shortJson(kept)}, expected ${shortJson(wanted)}`, `${source}가 ${s.group}로 보낸 데이터그램 두 개 가운데 돌려준 것은 ${shortJson(kept)}이고, 기대한 것은 ${shortJson(wanted)}입니다`));
      if (got.ms < s.timeoutMs - 50) wrong.push(say(`it returned after ${Math.round(got.ms)} ms, asked to listen for ${s.timeoutMs} ms`, `${Math.round(got.ms)} ms 만에 돌아왔습니다. 들으라고 한 시간은 ${s.timeoutMs} ms입니다`));
      if (got.ms > s.timeoutMs + 800) wrong.push(say(`it took ${Math.round(got.ms)} ms, asked to listen for ${s.timeoutMs} ms`, `${Math.round(got.ms)} ms가 걸렸습니다. 들으라고 한 시간은 ${s.timeoutMs} ms입니다`));
      if (open > 0) wrong.push(stillOpen(open, say("close the socket on every path", "모든 경로에서 소켓을 닫으세요")));
      return wrong.length === 0 || `${what}: ${wrong.join("; ")}`;
    },
  };
}

export const receiveFrom: ExerciseSpec = {
  id: "ssm-receive",
  notebook: "08-ssm",
  points: 3,
  functions: ["receiveFrom"],
  // In a lab host the function sees dgram and no course module.
  locks: [],
  visible: () => [
    sourceCase(
      say("eastny: 232.1.1.1 from midwood only, flatbush sending too", "eastny: 232.1.1.1을 midwood에게서만, flatbush도 보내는 중"),
      { host: "eastny", group: "232.1.1.1", source: "midwood", other: "flatbush", decoy: "224.1.1.5", port: 50161, timeoutMs: 1200, tag: "visible a" },
      say("bind to the group's address, then socket.addSourceSpecificMembership(source, group, on)", "그룹 주소에 바인드한 다음 socket.addSourceSpecificMembership(source, group, on)을 호출하세요"),
    ),
    sourceCase(
      say("bushwick: 232.5.6.7 from flatbush only, midwood sending too", "bushwick: 232.5.6.7을 flatbush에게서만, midwood도 보내는 중"),
      { host: "bushwick", group: "232.5.6.7", source: "flatbush", other: "midwood", decoy: "234.3.2.1", port: 50162, timeoutMs: 1000, tag: "visible b" },
      say("the other socket on the host joined another group on this port: a socket bound to 0.0.0.0 gets its datagrams too", "호스트의 다른 소켓이 이 포트에서 다른 그룹에 가입했습니다. 0.0.0.0에 바인드한 소켓은 그 데이터그램도 받습니다"),
    ),
  ],
  hidden: (rand) =>
    [0, 1].map((i) => {
      const [host, source, other] = pickThree(rand);
      return sourceCase(`hidden ${i + 1}`, { host, source, other, group: `232.${between(rand, 0, 255)}.${between(rand, 0, 255)}.${between(rand, 1, 254)}`, decoy: pick(rand, ["224.1.1.5", "234.3.2.1", "239.1.2.3"]), port: hiddenPort(rand), timeoutMs: between(rand, 900, 1400), tag: word(rand) });
    }),
};

/** Three different hosts of the lecture's four, drawn from `rand`. */
function pickThree(rand: () => number): [string, string, string] {
  const left = [...HOSTS];
  const take = () => left.splice(rand() % left.length, 1)[0];
  return [take(), take(), take()];
}

export const exercises = [receiveFrom];
