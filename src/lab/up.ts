// up(), down() and currentLab(): one lab at a time per process, so that
// re-running a notebook's `await mc.up()` cell replaces the lab it had.
import { ArgumentError, checkSignal, checkTimeout } from "../util/errors";
import { checkPlanOptions } from "./plan";
import { lectureTopology, Topology } from "./topology";
import { resolveTopology } from "./resolve-topology";
import { Lab, UpOptions } from "./lab";
import { state } from "./registry";

/**
 * Build a lab (the lecture's four hosts unless told otherwise) and return it.
 * A lab that is already up is taken down first, so re-running a cell works.
 */
export function up(topology: Topology = lectureTopology, options: UpOptions = {}): Promise<Lab> {
  const resolved = resolveTopology(topology);
  if (typeof options !== "object" || options === null) throw new ArgumentError("options", options, "an options object (or left out)");
  checkPlanOptions(options);
  if (options.userNamespace !== undefined && typeof options.userNamespace !== "boolean") {
    throw new ArgumentError("options.userNamespace", options.userNamespace, "true or false (or left out)");
  }
  if (options.timeoutMs !== undefined) checkTimeout("options.timeoutMs", options.timeoutMs);
  checkSignal("options.signal", options.signal);
  const s = state();
  // One at a time: two cells run at once must not leave two labs.
  const next = s.queue.then(async () => {
    await s.current?.down();
    const lab = new Lab(resolved, options);
    await lab.boot(options);
    s.current = lab;
    return lab;
  });
  s.queue = next.catch(() => undefined);
  return next;
}

/** Take the current lab down (nothing happens if there is none). */
export async function down(): Promise<void> {
  const s = state();
  await s.queue;
  await s.current?.down();
}

/** The lab up() returned last, while it is up. */
export function currentLab(): Lab | undefined {
  const lab = state().current;
  return lab?.running ? lab : undefined;
}
