// A lock between processes: a folder made with mkdir (which either makes it
// or fails, atomically), holding its holder's pid, so that a lock left by a
// process that died is taken over rather than waited for.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface DirLockOptions {
  /** What the lock guards, for the error at the deadline. */
  what: string;
  /** How long to wait for another holder. */
  waitMs: number;
  pollMs: number;
  /** Said while waiting, with the holder's pid (at most once a poll). */
  onWait?: (holder: number) => void;
  /** Stop waiting, with no lock, once this is true (what the holder was doing is done). */
  done?: () => boolean;
}

/** Take the lock, waiting for its holder if need be; returns its release, or null if `done()` came true first. */
export async function takeDirLock(lock: string, options: DirLockOptions): Promise<(() => void) | null> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number(readPid(lock));
    // A holder that has made the folder but not yet written its pid reads as 0: wait for it.
    if (holder > 0 && !alive(holder)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (options.done?.()) return null;
    if (Date.now() > deadline) throw new Error(`${options.what} is locked by process ${holder || "?"} for too long; remove ${lock} if that process is gone`);
    options.onWait?.(holder);
    await sleep(options.pollMs);
  }
}

function readPid(lock: string): string {
  try {
    return readFileSync(join(lock, "pid"), "utf8");
  } catch {
    return "";
  }
}

/** Is there a process with this pid (ours or another user's)? */
export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
