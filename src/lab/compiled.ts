// The compiled files the lab runs inside itself (the agents, mcastsend and mcastrecv):
// always the course's own dist/, so the notebook and the lab run one build.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { courseRoot } from "../util/course-root";
import { LabError } from "./lab-error";

/** The compiled file the lab runs inside itself, e.g. "lab/host-agent". */
export function compiled(file: string): string {
  const path = join(courseRoot(), "dist", "src", `${file}.js`);
  if (!existsSync(path)) throw new LabError(`${path} is missing`, `build the course first: npm run build   (in ${courseRoot()})`);
  return path;
}
