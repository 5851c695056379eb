// Every exercise of the course, by grade_id.
import type { ExerciseSpec } from "../case";
import { exercises as addresses } from "./addresses";
import { exercises as delivery } from "./delivery";
import { exercises as iface } from "./interface";
import { exercises as lab } from "./lab-capture";
import { exercises as sendReceive } from "./send-receive";
import { exercises as programs } from "./socket-programs";
import { exercises as snooping } from "./snooping";
import { exercises as routing } from "./routing";
import { exercises as ssm } from "./ssm";

export const EXERCISES: ReadonlyMap<string, ExerciseSpec> = new Map([...addresses, ...sendReceive, ...programs, ...lab, ...delivery, ...iface, ...snooping, ...routing, ...ssm].map((e) => [e.id, e]));

export function exerciseSpec(id: string): ExerciseSpec | undefined {
  return EXERCISES.get(id);
}
