// Notebook 2's exercises, on 127.0.0.1: receive one datagram with node:dgram,
// and say who gets a datagram. The checker sends and measures on loopback
// itself, so the answer can only come from a real receiver.
import { sendUntil, whoReceives } from "../../loopback-probe";
import { Answer, call, Case, ExerciseSpec, sameJson, shortJson } from "../case";
import { between, hiddenPort, pick, privateGroup, shuffle } from "./draw";

function receiveCase(name: string, group: string, port: number, message: string, hint?: string): Case {
  return {
    name,
    calls: [call("getMessage", group, port)],
    hint,
    timeoutMs: 6000,
    exclusive: true,
    during: async (_ctx, answered) => {
      await sendUntil({ group, port, message, until: answered, timeoutMs: 4500 });
    },
    judge: ([a]: Answer[]) => {
      if (!a.ok) return `getMessage(${JSON.stringify(group)}, ${port}) ${a.error}`;
      return a.value === message || `got ${shortJson(a.value)}, but the check sent ${JSON.stringify(message)}`;
    },
  };
}

const nonce = (rand: () => number) => `check ${rand().toString(36)}${rand().toString(36)}`;

export const getMessage: ExerciseSpec = {
  id: "sr-receive",
  notebook: "02-send-receive",
  points: 2,
  functions: ["getMessage"],
  locks: ["receive", "openReceiver", "listen", "whoReceives"],
  visible: () => [
    receiveCase('getMessage("239.7.7.7", 50111)', "239.7.7.7", 50111, "hello from the check"),
    receiveCase('getMessage("224.1.1.5", 50112)', "224.1.1.5", 50112, "second group", "join the group you were given, on 127.0.0.1"),
  ],
  hidden: (rand) => [0, 1].map((i) => receiveCase(`hidden ${i}`, privateGroup(rand), hiddenPort(rand), nonce(rand))),
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
      return sameJson(a.value, measured) || `you said ${shortJson(a.value)}, loopback says ${JSON.stringify(measured)}`;
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
    whoCase("the lecture's receivers, datagram to 224.1.1.5", { eastny: "224.1.1.5", flatbush: "224.1.1.5", bushwick: "234.3.2.1" }, "224.1.1.5", 50121),
    whoCase("three groups on one MAC, datagram to 224.129.1.5", { a: "224.1.1.5", b: "224.129.1.5", c: "239.1.1.5" }, "224.129.1.5", 50122, "the kernel compares the whole group, not the MAC"),
  ],
  hidden: (rand) =>
    [0, 1].map((i) => {
      const joined: Record<string, string> = {};
      const names = shuffle(rand, NAMES).slice(0, between(rand, 3, 5));
      for (const n of names) joined[n] = pick(rand, POOL);
      return whoCase(`hidden ${i}`, joined, pick(rand, POOL), hiddenPort(rand));
    }),
};

export const exercises = [getMessage, whoGets];
