// A class server's cap on labs per student (`npm run class -- --labs N` sets
// MCAST_LAB_MAX_LABS in every student's server): a student with several
// notebooks open has one lab per kernel, and each lab is a few namespaces and
// processes; the cap keeps one student from taking the machine. The count is
// read from /proc (this user's lab processes, whichever kernel started them),
// so a kernel that died without taking its lab down still counts until the
// lab's supervisor notices, and nothing can go stale.
import { readFileSync } from "node:fs";
import { processesOf } from "../util/processes";
import { LabError } from "./lab-error";

/** The argument that starts every lab (lab.ts runs `unshare ... sh -c LAB_SCRIPT_ARG`). */
export const LAB_SCRIPT_ARG = 'eval "$MCAST_LAB_SCRIPT"';
export const MAX_LABS_VARIABLE = "MCAST_LAB_MAX_LABS";

/** The cap from the environment: a whole number of labs, or undefined when there is none. */
export function labCap(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[MAX_LABS_VARIABLE];
  if (raw === undefined || raw === "" || raw === "0") return undefined;
  if (!/^\d+$/.test(raw)) throw new LabError(`${MAX_LABS_VARIABLE} must be a whole number of labs (0 for no cap), got ${JSON.stringify(raw)}`, "ask the instructor: the class server sets it");
  return Number(raw);
}

/** This user's running labs, as the PIDs of their unshare processes. */
export function myLabs(uid = process.getuid?.() ?? -1): number[] {
  return processesOf(uid).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return /(^|\/)unshare$/.test(argv[0]) && argv.includes(LAB_SCRIPT_ARG);
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Throw when starting one more lab would pass the cap. */
export function checkLabCap(env: NodeJS.ProcessEnv = process.env): void {
  const cap = labCap(env);
  if (cap === undefined) return;
  const labs = myLabs();
  if (labs.length < cap) return;
  throw new LabError(
    `this class allows ${cap} lab${cap === 1 ? "" : "s"} at a time per student, and you have ${labs.length} up (lab process${labs.length === 1 ? "" : "es"} ${labs.join(", ")})`,
    "take one down first: run `await mc.down()` in the notebook that has it, or shut that notebook's kernel down (Kernel > Shut Down Kernel)",
  );
}
