// Runs inside a lab host (host.send() / host.receive() start it) and calls
// the course's own send() or receive() there, so the notebook gets their
// result as data. Prints lines starting with "@mcast-lab " and a JSON object:
// {"ev":"joined"} once the host has joined the group, then the result or
// the error.
//
// Usage: node host-agent.js send|receive OPTIONS_JSON
//        node host-agent.js call < REQUEST_JSON      (a function of the owner's; see sandbox.ts)
import { prefixedLine } from "../util/prefixed-lines";
import { join } from "node:path";
import { AGENT_PREFIX, decode, encode, serializeError } from "./host-agent-protocol";
import { groupUsers } from "./views";
import { findInterface } from "../sockets/interfaces";
import { compileFunction } from "./sandbox";

function say(message: object): void {
  process.stdout.write(prefixedLine(AGENT_PREFIX, encode(message)));
}



/** What `call` reads from stdin (Host.call writes it). */
export interface CallRequest {
  source: string;
  args: unknown[];
  timeoutMs: number;
  /** How long to stay alive after the result, so the owner can look at the host's sockets while the process still exists. */
  holdMs: number;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => (text += chunk));
    process.stdin.on("end", () => resolve(text));
    process.stdin.on("error", reject);
  });
}

/**
 * Run the owner's function: say "calling" just before the call, then its
 * result (or error) with how long it took, then stay for holdMs. A function
 * that neither resolves nor rejects by its deadline is an error here; its
 * sockets end with the process.
 */
async function callFunction(): Promise<void> {
  const request = decode(await readStdin()) as CallRequest;
  const fn = compileFunction(request.source);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not finish within ${request.timeoutMs} ms`)), request.timeoutMs);
  });
  say({ ev: "calling" });
  const started = performance.now();
  try {
    const value = await Promise.race([Promise.resolve().then(() => fn(...request.args)), late]);
    const ms = performance.now() - started;
    let text: string | undefined;
    try {
      text = JSON.stringify(value === undefined ? null : value);
    } catch {
      text = undefined;
    }
    if (text === undefined) throw new Error("it returned a value that is not data (a function, a socket, a cycle...)");
    say({ ev: "result", value: JSON.parse(text), ms });
  } finally {
    clearTimeout(timer);
  }
  await new Promise((r) => setTimeout(r, request.holdMs));
}

async function main(): Promise<void> {
  const [fn, json] = process.argv.slice(2);
  if (fn === "call") return callFunction();
  if ((fn !== "send" && fn !== "receive") || json === undefined) {
    throw new Error("usage: host-agent.js send|receive OPTIONS_JSON");
  }
  const options = decode(json) as Record<string, unknown>;
  // Loaded by path so that the lab builds before (and without) those modules.
  const mod = require(join(__dirname, "..", "sockets", fn)) as Record<string, (o: unknown) => Promise<unknown>>;
  if (typeof mod[fn] !== "function") throw new Error(`dist/src/sockets/${fn}.js has no ${fn}() function`);
  if (fn === "send") {
    say({ ev: "result", value: await mod.send(options) });
    return;
  }
  // receive(): watch the kernel's own membership table while it starts, and
  // say "joined" when a socket of ours has added itself to the group.
  // A Ctrl-C (the run's deadline, or cancel()) aborts the wait the module's
  // own way, so the owner gets its AbortError rather than a dead process.
  const controller = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => controller.abort());
  options.signal = controller.signal;
  const group = String(options.group);
  const nic = typeof options.on === "string" ? findInterface(options.on)?.name : undefined;
  const before = groupUsers(group);
  let settled = false;
  const watch = (async () => {
    while (!settled) {
      for (const [name, users] of groupUsers(group)) {
        if ((nic === undefined || name === nic) && users > (before.get(name) ?? 0)) {
          say({ ev: "joined", interface: name });
          return;
        }
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  try {
    const value = await mod.receive(options);
    say({ ev: "result", value });
  } finally {
    settled = true;
    await watch;
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    say({ ev: "error", error: serializeError(error) });
    process.exit(1);
  },
);
