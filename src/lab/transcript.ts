// Commands run in the lab, shown the way the lecture shows its terminals:
//   brooklyn@flatbush:~$ mcastrecv 192.168.56.104 224.1.1.5 50001
//   Hello, World!
//   brooklyn@flatbush:~$
// A command still running ends the block with no prompt (it is waiting, as
// bushwick's receiver is in the lecture); one stopped at its deadline ends
// with ^C, as if someone had pressed Ctrl-C. In a notebook cell:
// pre(transcript(a, b, c)).
import { ArgumentError } from "../util/errors";
import { Run } from "./command";

const STOPPED: Record<string, string> = { SIGINT: "^C", SIGTERM: "Terminated", SIGKILL: "Killed" };

/** One terminal block per run, separated by blank lines. */
export function transcript(...runs: Array<Run | Run[]>): string {
  const list = runs.flat();
  list.forEach((run, i) => {
    if (!(run instanceof Run) && !(run && typeof run === "object" && "chunks" in run && "command" in run)) {
      throw new ArgumentError(`runs[${i}]`, run, "a Run, as host.run() returns");
    }
  });
  return list.map(block).join("\n\n");
}

function block(run: Run): string {
  const prompt = `${run.user}@${run.host}:~$`;
  let out = run.chunks.map((c) => c.data).join("");
  const result = run.result;
  if (result === undefined) return `${prompt} ${run.command}\n${out}`.replace(/\n$/, "");
  if (out !== "" && !out.endsWith("\n")) out += "\n";
  if (result.timedOut || run.interrupted) out += "^C\n";
  else if (result.signal && STOPPED[result.signal]) out += STOPPED[result.signal] + "\n";
  if (result.error && !result.stderr.includes(result.error)) out += `(${result.error})\n`;
  return `${prompt} ${run.command}\n${out}${prompt}`;
}
