// Who is who on this machine: accounts and their homes. A
// class's students are accounts (PAM) or numbered uids that must not be one.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** An account's home (getent, so LDAP and the like count too), or undefined when there is no such account. */
export function accountHome(name: string): string | undefined {
  const got = spawnSync("getent", ["passwd", name], { encoding: "utf8", timeout: 5000 });
  return got.status === 0 ? got.stdout.split(":")[5] || undefined : undefined;
}

/** uid → account name, from /etc/passwd (the numbers test-login students must not take). */
export function passwdUids(): Map<number, string> {
  const uids = new Map<number, string>();
  for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
    const f = line.split(":");
    if (f.length >= 3 && /^\d+$/.test(f[2])) uids.set(Number(f[2]), f[0]);
  }
  return uids;
}


export function loginDefs(): { min: number; max: number } {
  let min = 1000;
  let max = 60000;
  try {
    const text = readFileSync("/etc/login.defs", "utf8");
    min = Number(/^UID_MIN\s+(\d+)/m.exec(text)?.[1] ?? min);
    max = Number(/^UID_MAX\s+(\d+)/m.exec(text)?.[1] ?? max);
  } catch {
    /* the defaults */
  }
  return { min, max };
}

