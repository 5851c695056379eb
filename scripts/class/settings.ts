// What `npm run class` hands the hub (scripts/class/hub/jupyterhub_config.py
// reads it) and what its other commands read back to find the hub: one JSON
// file in the class's state folder, readable by root alone (it holds the
// instructor's token and, in --test-login mode, the class password).
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../jupyter";

/** The folder in each student's home that holds their copy of the notebooks. */
export const COURSE_FOLDER = "mcast-lab";
/** Where a class keeps its state unless --state says otherwise. */
export const DEFAULT_STATE = join(ROOT, ".class");

export interface Limits {
  /** CPUs per student (a cgroup quota), 0 for none. */
  cpus: number;
  /** Memory per student in MiB (a cgroup limit), 0 for none. */
  memoryMiB: number;
  /** Processes per student (a cgroup's pids.max and RLIMIT_NPROC), 0 for none. */
  processes: number;
  /** Labs up at once per student (MCAST_LAB_MAX_LABS), 0 for none. */
  labs: number;
}

export interface CgroupRoot {
  path: string;
  /** v1's cpu, memory and pids hierarchies, or one v2 folder with all three. */
  kind: "cpu" | "memory" | "pids" | "v2";
}

export interface ClassSettings {
  mode: "pam" | "test-login";
  ip: string;
  port: number;
  hubPort: number;
  proxyApiPort: number;
  state: string;
  /** Students' homes in test-login mode (they have no accounts). */
  homes: string;
  students: string[];
  admins: string[];
  /** test-login only: the one password every student logs in with. */
  password: string;
  instructorToken: string;
  /** test-login: student i gets uid uidBase + i. */
  uidBase: number;
  /** pam without a students file: the uids that count as ordinary accounts. */
  uidMin: number;
  uidMax: number;
  limits: Limits;
  /** Where limits are enforced by cgroups; [] when this machine lets us make none. */
  cgroupRoots: CgroupRoot[];
  idleTimeoutS: number;
  cullEveryS: number;
  activityIntervalS: number;
  courseFolder: string;
  course: string;
  node: string;
  python: string;
  proxy: string;
  path: string;
  jupyterData: string;
  labApp: string;
  singleuser: string;
  culler: string;
  studentHome: string;
}

/** Where this machine reaches the hub: its address, or 127.0.0.1 when it listens on every address. */
export function hubUrl(s: Pick<ClassSettings, "ip" | "port">): string {
  return `http://${s.ip === "0.0.0.0" ? "127.0.0.1" : s.ip}:${s.port}`;
}

export function settingsFile(state: string): string {
  return join(state, "settings.json");
}

export function writeSettings(s: ClassSettings): string {
  const file = settingsFile(s.state);
  writeFileSync(file, JSON.stringify(s, null, 2) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** The settings of the class whose state is in `state`; a clear error when there is none. */
export function readSettings(state: string): ClassSettings {
  const file = settingsFile(state);
  if (!existsSync(file)) throw new Error(`no class has been started with --state ${state} (${file} is missing): start one with npm run class`);
  return JSON.parse(readFileSync(file, "utf8")) as ClassSettings;
}
