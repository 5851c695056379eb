// Runs inside a lab host (host.send() / host.receive() start it) and calls
// the course's own send() or receive() there, so the notebook gets their
// result as data. Prints lines starting with "@mcast-lab " and a JSON object:
// {"ev":"joined"} once the host has joined the group, then the result or
// the error.
//
// Usage: node agent.js send|receive OPTIONS_JSON
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { AGENT_PREFIX, decode, encode, serializeError } from "./wire";
import { parseIgmp } from "./views";

function say(message: object): void {
  process.stdout.write(AGENT_PREFIX + encode(message) + "\n");
}

/** How many sockets of this host hold the group, per interface. */
function memberships(group: string): Map<string, number> {
  const users = new Map<string, number>();
  for (const row of parseIgmp(readFileSync("/proc/net/igmp", "utf8"))) if (row.group === group) users.set(row.interface, row.users);
  return users;
}

/** The interface that holds an address ("any" and the like: every interface). */
function interfaceOf(address: unknown): string | undefined {
  if (typeof address !== "string") return undefined;
  for (const [name, list] of Object.entries(networkInterfaces())) {
    if (list?.some((a) => a.family === "IPv4" && a.address === address)) return name;
  }
  return undefined;
}

async function main(): Promise<void> {
  const [fn, json] = process.argv.slice(2);
  if ((fn !== "send" && fn !== "receive") || json === undefined) {
    throw new Error("usage: agent.js send|receive OPTIONS_JSON");
  }
  const options = decode(json) as Record<string, unknown>;
  // Loaded by path so that the lab builds before (and without) those modules.
  const mod = require(join(__dirname, "..", fn)) as Record<string, (o: unknown) => Promise<unknown>>;
  if (typeof mod[fn] !== "function") throw new Error(`dist/src/${fn}.js has no ${fn}() function`);
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
  const nic = interfaceOf(options.on);
  const before = memberships(group);
  let settled = false;
  const watch = (async () => {
    while (!settled) {
      for (const [name, users] of memberships(group)) {
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
