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
