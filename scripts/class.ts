// `npm run class`: the course for a class on one Linux server, with JupyterHub.
// Each student logs in (their account's password, by PAM; or, with
// --test-login on 127.0.0.1 only, the class's one password) and gets their own
// JupyterLab, their own copy of the notebooks and labs of their own; the
// instructor lists and stops servers and collects the homework:
//
//   sudo npm run class -- --students students.txt
//   sudo npm run class -- list | stop NAME... | collect --out DIR
import { cgroupPids } from "./class/cgroups";
import { collect } from "./class/collect";
import { HubApi, HubUser } from "./class/hub-api";
import { ClassOptions, parseClassArgs, StartOptions } from "./class/options";
import { ClassSettings, hubUrl, readSettings } from "./class/settings";
import { textTable } from "../src/util/display";
import { openClass } from "./class/start";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const say = (line: string) => console.log(`class: ${line}`);

function hubOf(s: ClassSettings): HubApi {
  return new HubApi(`${hubUrl(s)}/hub/api`, s.instructorToken);
}

/** Rows of cells under a header, as the module prints tables outside a kernel. */
function table(head: string[], rows: string[][]): string {
  return textTable(rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]]))), head);
}

function ago(iso: string | null | undefined): string {
  if (!iso) return "-";
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/** What a student's server holds now, from its cgroups: processes and memory. */
function usage(s: ClassSettings, name: string): [string, string] {
  const pids = s.cgroupRoots.find((r) => r.kind === "pids" || r.kind === "v2");
  const mem = s.cgroupRoots.find((r) => r.kind === "memory" || r.kind === "v2");
  const n = pids && existsSync(join(pids.path, name)) ? String(cgroupPids(join(pids.path, name)).length) : "-";
  let m = "-";
  if (mem) {
    const file = join(mem.path, name, mem.kind === "v2" ? "memory.current" : "memory.usage_in_bytes");
    if (existsSync(file)) m = `${Math.round(Number(readFileSync(file, "utf8")) / 2 ** 20)} MiB`;
  }
  return [n, m];
}

async function list(s: ClassSettings): Promise<void> {
  const users: HubUser[] = (await hubOf(s).users()).filter((u) => !u.name.startsWith("service-"));
  const rows = users.map((u) => {
    const server = u.servers?.[""];
    const status = server ? (server.ready ? "running" : `starting (${server.pending})`) : u.pending ? u.pending : "stopped";
    return [u.name, status, ago(server?.started), ago(server?.last_activity ?? u.last_activity), ...(server ? usage(s, u.name) : ["-", "-"])];
  });
  console.log(table(["student", "server", "started", "last activity", "processes", "memory"], rows));
  console.log(`\n${rows.filter((r) => r[1] === "running").length} of ${rows.length} running`);
}

async function start(o: StartOptions): Promise<void> {
  const verbose = process.env.MCAST_CLASS_VERBOSE === "1";
  say(`starting JupyterHub (state in ${o.state}; its log in ${join(o.state, "jupyterhub.log")})`);
  const cls = await openClass(o, (line) => (verbose || /\[(E|W|C) /.test(line) ? console.error(`hub: ${line}`) : undefined));
  const s = cls.settings;
  say(`the class is open at http://${s.ip === "0.0.0.0" ? "<this server's address>" : s.ip}:${s.port}/`);
  if (s.mode === "test-login") say(`test login: students ${s.students.join(", ")}, each with the password ${s.password}`);
  else say(`students log in with their account on this machine${s.students.length ? ` (only ${s.students.join(", ")})` : " (any ordinary account)"}`);
  const l = s.limits;
  say(`each student: ${l.cpus || "any number of"} CPU, ${l.memoryMiB ? `${l.memoryMiB} MiB` : "no cap on memory"}, ${l.processes || "no cap on"} processes, ${l.labs || "any number of"} labs at once; idle servers stop after ${s.idleTimeoutS ? `${s.idleTimeoutS} s` : "never"}`);
  for (const note of cls.notes) say(note);
  say("instructor: npm run class -- list | stop NAME | collect --out DIR   (Ctrl-C here closes the class)");
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say("closing the class: every student's server, kernels and labs");
      void cls.close().then(() => process.exit(0));
    });
  }
  cls.hub.once("exit", (code, signal) => {
    if (stopping) return;
    say(`JupyterHub exited (${signal ?? `code ${code}`}); see ${join(o.state, "jupyterhub.log")}`);
    void cls.close().then(() => process.exit(1));
  });
}

async function main(): Promise<void> {
  let o: ClassOptions;
  try {
    o = parseClassArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`class: ${(err as Error).message}`);
    process.exit(2);
  }
  if (o.command === "start") return start(o);
  const s = readSettings(o.state);
  if (o.command === "list") return list(s);
  if (o.command === "stop") {
    for (const name of o.students) {
      await hubOf(s).stopServer(name);
      say(`${name}: server stopped (and with it their kernels and labs)`);
    }
    return;
  }
  let students: string[];
  try {
    students = (await hubOf(s).users()).map((u) => u.name).filter((n) => !n.startsWith("service-"));
  } catch (err) {
    if (!s.students.length) throw err;
    // The hub is closed: the students file says who is in the class.
    students = s.students;
  }
  const results = collect(s, students, o.out);
  console.log(table(["student", "collected", "unchanged", "missing"], results.map((r) => [r.student, String(r.copied.length), String(r.unchanged.length), r.missing.join(" ") || "-"])));
  say(`written under ${o.out}/; grade them with: npm run grade -- $(find ${o.out} -name "*.ipynb")`);
}

main().catch((err) => {
  console.error(`class: ${(err as Error).message}`);
  process.exit(1);
});
