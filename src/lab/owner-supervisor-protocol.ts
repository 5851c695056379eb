// The messages between a lab's owner (the notebook kernel, a test) and its
// supervisor inside the namespaces (supervisor.py): one JSON object a line,
// each way. A change here is a change there.

/** Bumped when a message changes, so a stale dist/ is caught rather than misread. */
export const PROTOCOL = 2;

export type Request =
  | {
      op: "run";
      id: number;
      namespace: string;
      command: string;
      cwd: string;
      env: Record<string, string>;
      timeoutMs: number;
      /** Between the deadline's SIGINT and the SIGKILL that follows. */
      graceMs: number;
      input?: string;
    }
  | { op: "kill"; id: number; signal: "SIGINT" | "SIGTERM" | "SIGKILL" };

export type Event =
  | { ev: "built" }
  | { ev: "ready"; protocol: number }
  | { ev: "started"; id: number; pid: number }
  | { ev: "out"; id: number; fd: 1 | 2; data: string }
  | { ev: "exit"; id: number; code: number | null; signal: string | null; timedOut: boolean; error?: string }
  | { ev: "error"; message: string };

/** The supervisor's settings, passed in its environment as MCAST_LAB_CONFIG. */
export interface SupervisorConfig {
  /** A folder on the lab's own tmpfs. */
  runDir: string;
  /** The hosts' namespaces (each gets its hostname). */
  hosts: string[];
  /** Commands for the hosts' PATH: name -> the file's text (a #!/bin/sh wrapper). */
  bin: Record<string, string>;
  /** The lab's /etc/hosts. */
  hostsFile: string;
}
