// The check channel between the kernel and the grader: one JSON message a
// line over a Unix socket. Lines are capped, so an answer of 50 MB is refused
// as too large instead of filling the grader's memory.
import type { Socket } from "node:net";

export const MAX_LINE = 1 << 20;

export type KernelMessage =
  | { type: "hello"; pid: number }
  | { type: "check"; id: string; functions: string[] }
  | { type: "answer"; n: number; ok: boolean; value?: unknown; error?: string };

export type GraderMessage =
  | { type: "call"; n: number; fn: string; args: unknown[]; source?: boolean; timeoutMs: number; exercise: string; locks: string[] }
  | { type: "verdict"; id: string; lines: string[]; earned: number }
  | { type: "refused"; why: string };

/** Calls `onMessage` for each JSON line; a line over MAX_LINE or not JSON ends the connection through `onBad`. */
export function readLines(socket: Socket, onMessage: (m: unknown) => void, onBad: (why: string) => void): void {
  let buffer = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_LINE && !buffer.slice(0, MAX_LINE).includes("\n")) {
      onBad(`a message longer than ${MAX_LINE} bytes`);
      socket.destroy();
      return;
    }
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        onBad("a message that is not JSON");
        socket.destroy();
        return;
      }
      onMessage(message);
    }
  });
}

export function writeLine(socket: Socket, message: KernelMessage | GraderMessage): void {
  if (!socket.destroyed) socket.write(JSON.stringify(message) + "\n");
}
