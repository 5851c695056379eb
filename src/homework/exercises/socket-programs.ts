// Notebook 3's programs: the student writes the lecture's sender and receiver
// with node:dgram, and the checker runs them inside a lab host (Host.call),
// never in the kernel, so a program that picks the wrong interface sends on
// the lab's links and not on this machine's network. Every verdict comes from
// outside the program: what a capture on the host's interfaces saw (TTL,
// source, interface), what the checker's own sender delivered, and the
// host's socket table after the program finished.
import { formatIPv4 } from "../../addresses/address";
import type { Packet } from "../../capture/dissect";
import { socketsOpenedFrom, watchCall, Watched } from "../../capture/watch";
import type { Lab } from "../../lab/lab";
import type { Host } from "../../lab/host";
import { Answer, Case, CaseContext, ExerciseSpec, shortJson, sourceOf } from "../case";
import { between, hiddenPort, pick, privateGroup } from "./draw";
import { say } from "../../i18n/lang";

const HOSTS = ["eastny", "midwood", "flatbush", "bushwick"];
/** Longest a program may take beyond its own wait: the Node process in the host starting. */
export const START_SLACK_MS = 3000;

export function addressOf(lab: Lab, host: string, iface: string): string {
  const h = lab.topology.hosts.find((x) => x.name === host);
  const f = h?.interfaces.find((x) => x.name === iface);
  if (!f?.address) throw new Error(`the lab has no ${host} ${iface}`);
  return f.address;
}

export const stillOpen = (n: number, advice: string) => say(`${n} socket${n === 1 ? " was" : "s were"} still open after it finished: ${advice}`, `끝난 뒤에도 소켓 ${n}개가 열려 있었습니다: ${advice}`);

function payloadText(p: Packet): string | undefined {
  const raw = p.layer("Raw");
  return raw ? Buffer.from(raw.bytes("load")).toString("utf8") : undefined;
}

// ---- lab-send: sendTo(group, port, message, { from, ttl }) ----

interface SendScenario {
  host: string;
  group: string;
  port: number;
  message: string;
  /** The interface whose address is `from`. */
  iface: "eth0" | "eth1";
  ttl: number;
}

function sendCase(name: string, s: SendScenario, hint?: string): Case {
  const shown = (from: string) => say(`sendTo(${JSON.stringify(s.group)}, ${s.port}, ${JSON.stringify(s.message)}, { from: ${JSON.stringify(from)}, ttl: ${s.ttl} }) in ${s.host}`, `${s.host}에서 실행한 sendTo(${JSON.stringify(s.group)}, ${s.port}, ${JSON.stringify(s.message)}, { from: ${JSON.stringify(from)}, ttl: ${s.ttl} })`);
  return {
    name,
    calls: [sourceOf("sendTo", s.host, s.group, s.port, s.message, s.iface, s.ttl)],
    hint,
    timeoutMs: 15000,
    exclusive: true,
    judge: async ([a]: Answer[], ctx: CaseContext) => {
      if (!a.ok) return `sendTo ${a.error}`;
      const lab = await ctx.lab();
      const host = lab.host(s.host);
      const from = addressOf(lab, s.host, s.iface);
      let watched: Watched;
      try {
        watched = await watchCall(host, a.value as string, [s.group, s.port, s.message, { from, ttl: s.ttl }], {
          filter: `udp and dst host ${s.group} and dst port ${s.port}`, signal: ctx.signal,
        });
      } catch (err) {
        return say(`${shown(from)} failed: ${(err as Error).message}`, `${shown(from)}: 실행에 실패했습니다: ${(err as Error).message}`);
      }
      const packets = watched.packets.filter((p) => payloadText(p) === s.message);
      const what = shown(from);
      if (packets.length === 0) return say(`${what}: no datagram with that message to ${s.group}:${s.port} left ${s.host}`, `${what}: ${s.host}에서 그 메시지를 담아 ${s.group}:${s.port}에 보낸 데이터그램이 나가지 않았습니다`);
      if (packets.length > 1) return say(`${what}: ${packets.length} datagrams left ${s.host}; one send, one datagram`, `${what}: ${s.host}에서 데이터그램 ${packets.length}개가 나갔습니다. 한 번 보내면 데이터그램은 하나여야 합니다`);
      const p = packets[0];
      const ip = p.layer("IP")!;
      const wrong: string[] = [];
      if (p.iface !== s.iface) wrong.push(say(`it left by ${p.iface}, but ${from} is ${s.iface}'s address (the outgoing interface is IP_MULTICAST_IF)`, `데이터그램이 ${p.iface} 인터페이스로 나갔지만, ${s.iface}의 주소가 ${from}입니다(나가는 인터페이스는 IP_MULTICAST_IF가 정합니다)`));
      if (formatIPv4(ip.num("src")) !== from) wrong.push(say(`its source address was ${formatIPv4(ip.num("src"))}, not ${from}`, `출발지 주소가 ${formatIPv4(ip.num("src"))}입니다(기대한 주소: ${from})`));
      if (ip.num("ttl") !== s.ttl) wrong.push(say(`its TTL on the wire was ${ip.num("ttl")}, asked for ${s.ttl}`, `네트워크로 나간 TTL이 ${ip.num("ttl")}입니다(요청한 값: ${s.ttl})`));
      const open = watched.leftOpen;
      if (open > 0) wrong.push(stillOpen(open, say("close the socket", "소켓을 닫으세요")));
      return wrong.length === 0 || `${what}: ${wrong.join("; ")}`;
    },
  };
}

export const word = (rand: () => number) => `m-${rand().toString(36)}${rand().toString(36)}`;

export const sendTo: ExerciseSpec = {
  id: "lab-send",
  notebook: "03-lab",
  points: 3,
  functions: ["sendTo"],
  // Nothing to lock: in a lab host the function sees dgram and no course module.
  locks: [],
  visible: () => [
    sendCase(say("the lecture's send: midwood, 224.1.1.5:50001, from 192.168.56.103, TTL 1", "강의의 송신: midwood, 224.1.1.5:50001, 출발지 192.168.56.103, TTL 1"), { host: "midwood", group: "224.1.1.5", port: 50001, message: "Hello, World!", iface: "eth1", ttl: 1 }, say("set the outgoing interface with socket.setMulticastInterface(from)", "socket.setMulticastInterface(from)으로 나가는 인터페이스를 정하세요")),
    sendCase(say("TTL 4 from eastny's host-only address", "eastny의 호스트 전용(host-only) 주소에서 TTL 4로 송신"), { host: "eastny", group: "239.1.2.3", port: 50131, message: "four hops", iface: "eth1", ttl: 4 }, say("socket.setMulticastTTL(ttl), once the socket is bound", "socket.setMulticastTTL(ttl)은 소켓을 바인드한 뒤에 호출하세요")),
    sendCase(say("out of flatbush's NAT interface, TTL 2", "flatbush의 NAT 인터페이스로 송신, TTL 2"), { host: "flatbush", group: "234.3.2.1", port: 50132, message: "by the NAT link", iface: "eth0", ttl: 2 }),
  ],
  hidden: (rand) => [
    { host: pick(rand, HOSTS), group: privateGroup(rand), port: hiddenPort(rand), message: word(rand), iface: "eth1" as const, ttl: between(rand, 2, 64) },
    { host: pick(rand, HOSTS), group: privateGroup(rand), port: hiddenPort(rand), message: word(rand), iface: pick(rand, ["eth0", "eth1"] as const), ttl: between(rand, 1, 16) },
  ].map((s, i) => sendCase(`hidden ${i}`, s)),
};

/**
 * A student's receiver run in a host: called with `args`, and once it has
 * joined `group` (or failed, or 1.5 s passed: a join on the wrong interface
 * must still be given its chance to fail) the checker's `send` goes out. Its
 * value, how long it took, and how many sockets it opened and left open.
 */
export async function runReceiver(host: Host, source: string, args: unknown[], o: { group: string; listenMs: number; signal: AbortSignal; send?: () => Promise<void> }): Promise<{ value: unknown; ms: number; open: number }> {
  // Sockets open now (the checker's own among them) are not the program's.
  const opened = await socketsOpenedFrom(host);
  const calling = host.call(source, args, { timeoutMs: o.listenMs + START_SLACK_MS, holdMs: 1000, signal: o.signal });
  try {
    if (o.send) {
      await calling.calling;
      // (A program that fails before it joins ends the wait at once.)
      await Promise.race([
        host.waitForGroup(o.group, { timeoutMs: Math.min(1500, o.listenMs), signal: o.signal }).catch(() => undefined),
        calling.result.catch(() => undefined),
      ]);
      await o.send();
    }
    const got = await calling;
    return { ...got, open: await opened() };
  } finally {
    calling.cancel();
  }
}

// ---- lab-recv: receiveOne(group, port, on, timeoutMs) ----

interface ReceiveScenario {
  host: string;
  group: string;
  port: number;
  /** The receiver joins on this interface's address. */
  iface: "eth0" | "eth1";
  timeoutMs: number;
  /** midwood sends this on the host-only network once the receiver has joined; undefined: nothing is sent. */
  message?: string;
}

function receiveCase(name: string, s: ReceiveScenario, hint?: string): Case {
  // The datagram goes out on the host-only network (eth1): joined on eth1 it is received, joined on eth0 it is not.
  const expected = s.message !== undefined && s.iface === "eth1" ? s.message : null;
  return {
    name,
    calls: [sourceOf("receiveOne", s.host, s.group, s.port, s.iface, s.timeoutMs, s.message ?? null)],
    hint,
    timeoutMs: s.timeoutMs + 12000,
    exclusive: true,
    judge: async ([a]: Answer[], ctx: CaseContext) => {
      if (!a.ok) return `receiveOne ${a.error}`;
      const lab = await ctx.lab();
      const host = lab.host(s.host);
      const on = addressOf(lab, s.host, s.iface);
      const what = say(`receiveOne(${JSON.stringify(s.group)}, ${s.port}, ${JSON.stringify(on)}, ${s.timeoutMs}) in ${s.host}`, `${s.host}에서 실행한 receiveOne(${JSON.stringify(s.group)}, ${s.port}, ${JSON.stringify(on)}, ${s.timeoutMs})`);
      let got: { value: unknown; ms: number; open: number };
      try {
        got = await runReceiver(host, a.value as string, [s.group, s.port, on, s.timeoutMs], {
          group: s.group,
          listenMs: s.timeoutMs,
          signal: ctx.signal,
          send: s.message === undefined ? undefined : async () => void (await lab.host("midwood").send({ group: s.group, port: s.port, message: s.message!, from: addressOf(lab, "midwood", "eth1") })),
        });
      } catch (err) {
        return say(`${what} failed: ${(err as Error).message}`, `${what}: 실행에 실패했습니다: ${(err as Error).message}`);
      }
      const open = got.open;
      const wrong: string[] = [];
      if (got.value !== expected) {
        if (expected === null && s.message !== undefined) wrong.push(say(`it resolved with ${shortJson(got.value)}, but joined on ${on} (${s.iface}) it should hear nothing of a datagram that arrives on eth1: resolve with null`, `결과가 ${shortJson(got.value)}입니다. 하지만 ${on}(${s.iface})에서 가입했으므로 eth1로 도착하는 데이터그램은 받지 못해야 합니다: null로 resolve하세요`));
        else if (expected === null) wrong.push(say(`nothing was sent, yet it resolved with ${shortJson(got.value)}: resolve with null when the time is up`, `아무것도 보내지 않았는데 결과가 ${shortJson(got.value)}입니다: 시간이 다 되면 null로 resolve하세요`));
        else wrong.push(say(`it resolved with ${shortJson(got.value)}; midwood sent ${JSON.stringify(expected)}`, `결과가 ${shortJson(got.value)}입니다. midwood가 보낸 것은 ${JSON.stringify(expected)}입니다`));
      }
      if (expected === null && got.ms > s.timeoutMs + 500) wrong.push(say(`it took ${Math.round(got.ms)} ms to give up, asked to wait ${s.timeoutMs} ms`, `포기하기까지 ${Math.round(got.ms)} ms가 걸렸습니다. 기다리라고 한 시간은 ${s.timeoutMs} ms입니다`));
      if (expected === null && got.ms < s.timeoutMs - 50) wrong.push(say(`it gave up after ${Math.round(got.ms)} ms, asked to wait ${s.timeoutMs} ms`, `${Math.round(got.ms)} ms 만에 포기했습니다. 기다리라고 한 시간은 ${s.timeoutMs} ms입니다`));
      if (open > 0) wrong.push(stillOpen(open, say("close the socket on every path", "모든 경로에서 소켓을 닫으세요")));
      return wrong.length === 0 || `${what}: ${wrong.join("; ")}`;
    },
  };
}

export const receiveOne: ExerciseSpec = {
  id: "lab-recv",
  notebook: "03-lab",
  points: 3,
  functions: ["receiveOne"],
  locks: [],
  visible: () => [
    receiveCase(say("flatbush joined on 192.168.56.104 gets midwood's datagram", "192.168.56.104에서 가입한 flatbush는 midwood의 데이터그램을 받습니다"), { host: "flatbush", group: "224.1.1.5", port: 50001, iface: "eth1", timeoutMs: 3000, message: "Hello, World!" }, say("bind to the port, then socket.addMembership(group, on)", "포트에 바인드한 다음 socket.addMembership(group, on)을 호출하세요")),
    receiveCase(say("joined on the NAT interface, it hears nothing and says null", "NAT 인터페이스에서 가입하면 아무것도 받지 못하고 null을 돌려줍니다"), { host: "eastny", group: "224.1.1.5", port: 50141, iface: "eth0", timeoutMs: 800, message: "not for eth0" }, say("join on the interface you were given, not on any", "any가 아니라 주어진 인터페이스에서 가입하세요")),
    receiveCase(say("nothing sent: null after 500 ms, socket closed", "아무것도 보내지 않음: 500 ms 뒤 null, 소켓은 닫힘"), { host: "bushwick", group: "234.3.2.1", port: 50142, iface: "eth1", timeoutMs: 500 }, say("a timer that resolves null, and close the socket in finally", "null로 resolve하는 타이머를 두고, finally에서 소켓을 닫으세요")),
  ],
  hidden: (rand) => [
    { host: pick(rand, ["eastny", "flatbush", "bushwick"]), group: privateGroup(rand), port: hiddenPort(rand), iface: "eth1" as const, timeoutMs: 2500, message: word(rand) },
    { host: pick(rand, ["eastny", "flatbush", "bushwick"]), group: privateGroup(rand), port: hiddenPort(rand), iface: pick(rand, ["eth0", "eth1"] as const), timeoutMs: between(rand, 300, 900) },
  ].map((s, i) => receiveCase(`hidden ${i}`, s)),
};

export const exercises = [sendTo, receiveOne];
