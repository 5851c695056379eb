// Which labs this process has up, and the one up() returned last. Kept on
// globalThis rather than in module variables: a kernel that re-imports the
// course (a new build) must still find, and replace, the lab it has; and every
// lab still up when the process exits is killed.
import type { Lab } from "./lab";

export interface LabState {
  current?: Lab;
  live: Set<Lab>;
  exitHook: boolean;
  queue: Promise<unknown>;
}

// On globalThis rather than in module variables: a notebook kernel that
// re-imports an edited module must still find, and replace, the lab it has.
export function state(): LabState {
  const key = Symbol.for("mcast-lab.lab");
  const g = globalThis as unknown as Record<symbol, LabState | undefined>;
  return (g[key] ??= { live: new Set(), exitHook: false, queue: Promise.resolve() });
}

export function registerExitHook(): void {
  const s = state();
  if (s.exitHook) return;
  s.exitHook = true;
  process.on("exit", () => {
    for (const lab of state().live) lab.killNow();
  });
}
