// Where the class's per-student limits live: a cgroup folder for the class
// (one per controller under cgroup v1, one under v2), in which the hub makes
// one folder per student (jupyterhub_config.py, CourseSpawner). A machine
// that lets us make none (a container without cgroup rights) gets rlimits
// alone, and `npm run class` says so.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CgroupRoot } from "./settings";

const CGROUP = "/sys/fs/cgroup";
const CONTROLLERS = ["cpu", "memory", "pids"] as const;

/** Make the class's cgroup folders, named `name`; returns those made (and why none, if so). */
export function makeClassCgroups(name: string): { roots: CgroupRoot[]; problem?: string } {
  try {
    const controllers = existsSync(join(CGROUP, "cgroup.controllers")) ? readFileSync(join(CGROUP, "cgroup.controllers"), "utf8").split(/\s+/) : null;
    if (controllers) {
      const missing = CONTROLLERS.filter((c) => !controllers.includes(c));
      if (missing.length) return { roots: [], problem: `cgroup v2 without the ${missing.join(", ")} controller` };
      const root = join(CGROUP, name);
      mkdirSync(root, { recursive: true });
      // Students' folders below get the three controllers (the class folder itself holds no process).
      appendFileSync(join(CGROUP, "cgroup.subtree_control"), CONTROLLERS.map((c) => `+${c}`).join(" "));
      writeFileSync(join(root, "cgroup.subtree_control"), CONTROLLERS.map((c) => `+${c}`).join(" "));
      return { roots: [{ path: root, kind: "v2" }] };
    }
    const roots: CgroupRoot[] = [];
    for (const c of CONTROLLERS) {
      const hierarchy = join(CGROUP, c);
      if (!existsSync(join(hierarchy, "cgroup.procs"))) continue;
      mkdirSync(join(hierarchy, name), { recursive: true });
      roots.push({ path: join(hierarchy, name), kind: c });
    }
    return roots.length ? { roots } : { roots, problem: `no cgroup v1 hierarchy for ${CONTROLLERS.join(", ")} under ${CGROUP}` };
  } catch (err) {
    return { roots: [], problem: (err as Error).message };
  }
}

/** The PIDs still in a cgroup folder and its children. */
export function cgroupPids(folder: string): number[] {
  if (!existsSync(folder)) return [];
  const pids = readFileSync(join(folder, "cgroup.procs"), "utf8").split(/\s+/).filter(Boolean).map(Number);
  for (const entry of readdirSync(folder, { withFileTypes: true })) if (entry.isDirectory()) pids.push(...cgroupPids(join(folder, entry.name)));
  return pids;
}

/** Remove the class's folders (students' first); a folder still holding processes is reported, not forced. */
export function removeClassCgroups(roots: CgroupRoot[]): string[] {
  const problems: string[] = [];
  for (const { path } of roots) {
    if (!existsSync(path)) continue;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      try {
        rmdirSync(join(path, entry.name));
      } catch (err) {
        problems.push(`${join(path, entry.name)}: ${(err as Error).message}`);
      }
    }
    try {
      rmdirSync(path);
    } catch (err) {
      problems.push(`${path}: ${(err as Error).message}`);
    }
  }
  return problems;
}
