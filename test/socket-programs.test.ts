// Notebook 3's sender and receiver exercises, checked in a lab of the test's
// own: the notebook's solutions pass every case (visible and hidden), and
// each way a real program goes wrong fails the case that is about it: the
// wrong interface, the default TTL, a socket left open, a join on "any", a
// wait with no end, reaching for the course's module.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import ts from "typescript";
import { readSolutions } from "../scripts/exercises";
import { ROOT } from "../scripts/jupyter";
import * as mc from "../src/index";
import { Answer, Call, ExerciseSpec } from "../src/homework/case";
import { evaluate } from "../src/homework/evaluate";
import { EXERCISES } from "../src/homework/exercises/index";

let lab: mc.Lab;
before(async () => {
  lab = await mc.up();
});
after(async () => {
  await lab?.down();
});

const solutions = readSolutions(join(ROOT, "test", "solutions", "03-lab.txt"));

/** The JavaScript tslab would make of an answer cell's function (native async, dgram by name). */
function compiled(code: string, name: string): string {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const start = js.search(new RegExp(`(async )?function ${name}\\b`));
  assert.ok(start >= 0, `no function ${name} in the answer`);
  return new Function(`${js.slice(start)}\nreturn ${name}.toString();`)() as string;
}

/** A caller that hands over a function's source, as the kernel does for a case run in a lab host. */
const sourceCaller = (source: string) => async (c: Call): Promise<Answer> => (c.source ? { ok: true, value: source } : { ok: false, error: "was called, not asked for its source" });

async function failures(id: string, source: string, seed = 1): Promise<string[]> {
  const spec: ExerciseSpec = EXERCISES.get(id)!;
  const v = await evaluate(spec, sourceCaller(source), { hiddenSeed: seed, lab: async () => lab });
  return v.cases.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
}

const sender = compiled(solutions.get("lab-send")!, "sendTo");
const receiver = compiled(solutions.get("lab-recv")!, "receiveOne");

function variant(source: string, from: string | RegExp, to: string): string {
  const changed = source.replace(from, to);
  assert.notEqual(changed, source, `the variant changed nothing (${from})`);
  return changed;
}

test("the notebook's sender passes every case, visible and hidden, over 2 seeds", async () => {
  for (const seed of [1, 2]) assert.deepEqual(await failures("lab-send", sender, seed), [], `seed ${seed}`);
});

test("the notebook's receiver passes every case, visible and hidden, over 2 seeds", async () => {
  for (const seed of [1, 2]) assert.deepEqual(await failures("lab-recv", receiver, seed), [], `seed ${seed}`);
});

test("a sender that never sets the outgoing interface (nor binds to its address) leaves by the route, eth0, and fails", async () => {
  // Linux also takes a bound source address as the interface for multicast, so both must go.
  const f = await failures("lab-send", variant(variant(sender, /socket\.setMulticastInterface\(options\.from\);/, ""), /socket\.bind\(0, options\.from,/, "socket.bind(0,"));
  assert.ok(f.some((x) => /the lecture's send.*it left by eth0, but 192\.168\.56\.103 is eth1's address/.test(x)), f.join("\n"));
});

test("a sender that leaves the TTL at its default sends TTL 1 and fails the TTL cases", async () => {
  const f = await failures("lab-send", variant(sender, /socket\.setMulticastTTL\(options\.ttl\);/, ""));
  assert.ok(f.some((x) => /TTL 4.*its TTL on the wire was 1, asked for 4/.test(x)), f.join("\n"));
  assert.ok(!f.some((x) => /the lecture's send/.test(x)), "TTL 1 is the default, so the lecture's own case passes");
});

test("a sender that keeps its socket open fails: the host's socket table shows it", async () => {
  const f = await failures("lab-send", variant(sender, /socket\.close\(\);/, ""));
  assert.ok(f.some((x) => /the lecture's send.*1 socket was still open after it finished/.test(x)), f.join("\n"));
});

test("a receiver that joins on any interface waits in vain, as in notebook 5", async () => {
  const f = await failures("lab-recv", variant(receiver, /socket\.addMembership\(group, on\)/, "socket.addMembership(group)"));
  assert.ok(f.some((x) => /flatbush joined on 192\.168\.56\.104.*it resolved with null; midwood sent "Hello, World!"/.test(x)), f.join("\n"));
});

test("a receiver with no timer never gives up: its case fails at its deadline, and the socket goes with the process", async () => {
  const f = await failures("lab-recv", variant(receiver, /const timer = setTimeout\(\(\) => resolve\(null\), timeoutMs\);/, "const timer = undefined;"));
  assert.ok(f.some((x) => /nothing sent: null after 500 ms.*did not finish within/.test(x)), f.join("\n"));
  assert.deepEqual(await lab.host("bushwick").udpSockets(), []);
});

test("a receiver that does not close its socket fails on every path it leaves open", async () => {
  const f = await failures("lab-recv", variant(receiver, /socket\.close\(\);/, ""));
  assert.ok(f.some((x) => /nothing sent.*still open after it finished: close the socket on every path/.test(x)), f.join("\n"));
});

test("a program that reaches for require (the course's own send) is refused, and a stub fails every case", async () => {
  const f = await failures("lab-send", `async function sendTo(group, port, message, options) { return require("mcast-lab").send({ group, port, message }); }`);
  assert.ok(f.length > 0 && f.every((x) => /uses `require`/.test(x) || /hidden case/.test(x)), f.join("\n"));
  const stub = await failures("lab-recv", `async function receiveOne() { throw new Error("not answered yet"); }`);
  assert.equal(stub.length, 5);
  assert.ok(stub.some((x) => /not answered yet/.test(x)), stub.join("\n"));
});

const ssm = compiled(readSolutions(join(ROOT, "test", "solutions", "08-ssm.txt")).get("ssm-receive")!, "receiveFrom");

test("notebook 8's one-source receiver passes every case, visible and hidden, over 2 seeds", async () => {
  for (const seed of [1, 2]) assert.deepEqual(await failures("ssm-receive", ssm, seed), [], `seed ${seed}`);
});

test("a one-source receiver bound to 0.0.0.0 gets the checker's other group, and fails saying so", async () => {
  const f = await failures("ssm-receive", variant(ssm, "socket.bind(port, group,", "socket.bind(port, \"0.0.0.0\","));
  assert.ok(f.some((x) => /eastny: 232\.1\.1\.1.*got a datagram to 224\.1\.1\.5, a group another socket on eastny joined on this port: bind to the group's address/.test(x)), f.join("\n"));
});

test("a one-source receiver that joins for any source gets the other sender's datagram, and fails saying so", async () => {
  const f = await failures("ssm-receive", variant(ssm, "socket.addSourceSpecificMembership(source, group, on)", "socket.addMembership(group, on)"));
  assert.ok(f.some((x) => /eastny: 232\.1\.1\.1.*got flatbush's datagram to 232\.1\.1\.1: only 192\.168\.56\.103's should pass/.test(x)), f.join("\n"));
  assert.ok(!f.some((x) => /a group another socket on .* joined/.test(x)), "bound to the group, it got nothing of the other group");
});

test("a one-source receiver that returns at its first datagram fails: it was asked to listen for timeoutMs", async () => {
  const f = await failures("ssm-receive", variant(ssm, 'socket.on("message", (data) => got.push(data.toString("utf8")));', 'socket.on("message", (data) => { got.push(data.toString("utf8")); resolve(got); });'));
  assert.ok(f.some((x) => /eastny: 232\.1\.1\.1.*of 192\.168\.56\.103's two datagrams to 232\.1\.1\.1 it returned \["visible a 1"\]/.test(x)), f.join("\n"));
});

test("host.call runs a function in a host and gives its value back; its arguments and errors are checked at the door", async () => {
  const r = await lab.host("eastny").call(async (a: number, b: number) => a + b, [2, 3]);
  assert.equal(r.value, 5);
  assert.throws(() => lab.host("eastny").call(() => 1, "no" as unknown as unknown[]), /args must be an array/);
  await assert.rejects(lab.host("eastny").call(() => undefinedName(), []).result, /undefinedName is not defined/);
});
declare function undefinedName(): number;

test("the lecture's demonstration with the notebook's programs: eastny and flatbush get the message, bushwick null", async () => {
  const fn = (source: string) => new Function("dgram", `return (${source})`)(undefined);
  const rows = await mc.lectureDemonstration(lab, { sendTo: fn(sender), receiveOne: fn(receiver) });
  assert.deepEqual(rows.map((r) => [r.host, r.result]), [
    ["eastny", 'got "Hello, World!"'],
    ["flatbush", 'got "Hello, World!"'],
    ["bushwick", "null: nothing came"],
    ["midwood", "sent"],
  ]);
  const stubs = await mc.lectureDemonstration(lab, { sendTo: fn("async function sendTo() { throw new Error('not answered yet'); }"), receiveOne: fn("async function receiveOne() { throw new Error('not answered yet'); }") });
  assert.ok(stubs.every((r) => /not answered yet: write the function above/.test(r.result)), JSON.stringify(stubs));
});

test("a comment may name anything; only the code is held to the sandbox's rules", async () => {
  const r = await lab.host("eastny").call("function f() {\n  // the course's module and process.env are not here\n  return 7; /* require */\n}", []);
  assert.equal(r.value, 7);
});
