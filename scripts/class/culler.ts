// The class's idle culler, a service the hub starts (jupyterhub_config.py):
// every --every seconds it stops each student's server whose last activity
// (a kernel running, a request through the proxy) is older than --timeout
// seconds. The server's kernels and labs go with it (CourseSpawner.stop).
// JupyterHub's own culler is a PyPI package; this is the same loop, with
// the hub's REST API and the token the hub gives its services.
import { HubApi } from "./hub-api";

function seconds(args: string[], name: string): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? args[i + 1] : undefined;
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1) throw new Error(`culler: ${name} must be a whole number of seconds, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** The servers idle longer than `timeoutS` at `now`, by user name. */
export function idleServers(users: Awaited<ReturnType<HubApi["users"]>>, timeoutS: number, now = Date.now()): string[] {
  const idle: string[] = [];
  for (const u of users) {
    const server = u.servers?.[""];
    if (!server || !server.ready || server.pending) continue;
    const last = Date.parse(server.last_activity ?? server.started ?? "");
    if (Number.isFinite(last) && now - last > timeoutS * 1000) idle.push(u.name);
  }
  return idle;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const timeoutS = seconds(args, "--timeout");
  const everyS = seconds(args, "--every");
  const url = process.env.JUPYTERHUB_API_URL;
  const token = process.env.JUPYTERHUB_API_TOKEN;
  if (!url || !token) throw new Error("culler: JUPYTERHUB_API_URL and JUPYTERHUB_API_TOKEN are missing: the hub starts this service, not a person");
  const hub = new HubApi(url, token);
  const say = (line: string) => console.log(`[idle-culler ${new Date().toISOString()}] ${line}`);
  say(`stopping servers idle for more than ${timeoutS} s, looking every ${everyS} s`);
  for (;;) {
    try {
      for (const name of idleServers(await hub.users(), timeoutS)) {
        say(`${name}: idle for more than ${timeoutS} s, stopping the server`);
        await hub.stopServer(name);
        say(`${name}: stopped`);
      }
    } catch (err) {
      // The hub restarting, or slow: say so and try at the next round.
      say(`this round failed: ${(err as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, everyS * 1000));
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
