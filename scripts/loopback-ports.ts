// Notebook 02 shows the lecture's programs on this machine's loopback, on the
// lecture's fixed ports, which its metadata lists (mcast_lab.loopback_ports).
// Two runs of it in one network namespace at once would hear each other's
// datagrams. A headless run has a network namespace of its own (runNotebook's
// isolate); browser runs share this machine's, so they take turns with this
// lock (`npm test` runs JupyterLab's and the Notebook's passes side by side).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { takeDirLock } from "./dir-lock";
import { Notebook } from "./notebook";

const LOCK = join(tmpdir(), "mcast-lab-loopback-ports.lock");
/** Longer than any one browser run of a notebook (its budget is 14 minutes). */
const WAIT_MS = 15 * 60_000;

/** The fixed loopback ports a notebook's cells use, from its metadata ([] for none). */
export function loopbackPorts(nb: Notebook): number[] {
  const ports = (nb.metadata as { mcast_lab?: { loopback_ports?: unknown } }).mcast_lab?.loopback_ports;
  return Array.isArray(ports) ? ports.filter((p): p is number => Number.isInteger(p)) : [];
}

/** Run `fn`, holding the loopback ports' lock if the notebook uses fixed ports. */
export async function withLoopbackPorts<T>(nb: Notebook, fn: () => Promise<T>, log: (line: string) => void = () => {}): Promise<T> {
  if (loopbackPorts(nb).length === 0) return fn();
  let said = false;
  const release = await takeDirLock(LOCK, {
    what: "this machine's loopback ports for notebook 02",
    waitMs: WAIT_MS,
    pollMs: 200,
    onWait: (holder) => {
      if (!said) log(`waiting for process ${holder}, which runs a notebook on the same loopback ports`);
      said = true;
    },
  });
  try {
    return await fn();
  } finally {
    release!(); // takeDirLock returns null only when given done()
  }
}
