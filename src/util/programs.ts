// Finding a program the course runs (ip, unshare, tcpdump) the way a shell
// would, plus the sbin folders an ordinary user's PATH often lacks.
import { existsSync } from "node:fs";

/** The path of `name` on PATH or in the sbin/bin folders, or null. */
export function findProgram(name: string): string | null {
  const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
  for (const dir of dirs) {
    if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return null;
}

/**
 * A Python 3 for the lab's supervisor: the system's own first (on Debian the
 * one Jupyter runs on; a python3 earlier on PATH may be a slower-starting
 * build), else python3 on PATH; null if there is none.
 */
export function findPython3(): string | null {
  return existsSync("/usr/bin/python3") ? "/usr/bin/python3" : findProgram("python3");
}
