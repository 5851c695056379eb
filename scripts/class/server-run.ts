// Running a notebook in a student's own server, as their browser would: a
// session through the server's REST API (which starts the course's kernel as
// the student), then each code cell over the kernel's websocket, one at a
// time. The class's test and its load bench use it; every wait has a deadline
// and the session (and its kernel) is deleted on every path.
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { cellSource, CellResult, Notebook, Output } from "../notebook";

export interface ServerRunOptions {
  /** The student's server, such as http://127.0.0.1:8000/user/alice. */
  server: string;
  /** An API token of the student's (the hub's /users/NAME/tokens). */
  token: string;
  /** The notebook's path in the server, such as 03-lab.ipynb (the kernel runs in its folder). */
  path: string;
  cellTimeoutSec?: number;
  onCell?: (cell: CellResult) => void;
}

export interface ServerRun {
  kernelSeconds: number;
  cells: CellResult[];
}

interface Message {
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  channel: string;
  content: Record<string, unknown>;
}

async function api<T>(o: ServerRunOptions, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${o.server}/api${path}`, {
    method,
    headers: { Authorization: `token ${o.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${o.server}/api${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

function output(m: Message): Output | undefined {
  const c = m.content as { name?: "stdout" | "stderr"; text?: string; ename?: string; evalue?: string; traceback?: string[]; data?: Record<string, string> };
  const type = m.header.msg_type;
  if (type === "stream") return { type, name: c.name, text: c.text };
  if (type === "error") return { type, ename: c.ename, evalue: c.evalue, traceback: c.traceback };
  if (type === "display_data" || type === "execute_result" || type === "update_display_data") return { type, data: c.data };
  return undefined;
}

/** Run every code cell of `nb` in the student's server, in order; a failing cell stops the run (as Run All does). */
export async function runInServer(nb: Notebook, o: ServerRunOptions): Promise<ServerRun> {
  const started = performance.now();
  const session = await api<{ id: string; kernel: { id: string } }>(o, "POST", "/sessions", { path: o.path, name: o.path, type: "notebook", kernel: { name: "tslab" } });
  const clientSession = randomUUID();
  const ws = new WebSocket(`${o.server.replace(/^http/, "ws")}/api/kernels/${session.kernel.id}/channels?session_id=${clientSession}`, { headers: { Authorization: `token ${o.token}` } });
  const cells: CellResult[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the kernel's websocket did not open within 30 s`)), 30_000);
      ws.once("open", () => (clearTimeout(t), resolve()));
      ws.once("error", (e) => (clearTimeout(t), reject(e)));
    });
    const waiting = new Map<string, (m: Message) => void>();
    const onClose = new Set<() => void>();
    ws.once("close", () => [...onClose].forEach((f) => f()));
    ws.on("message", (raw) => {
      const m = JSON.parse(raw.toString()) as Message;
      const id = m.parent_header?.msg_id;
      if (id) waiting.get(id)?.(m);
    });
    const execute = (code: string, timeoutSec: number) =>
      new Promise<{ status: CellResult["status"]; outputs: Output[] }>((resolve) => {
        const msgId = randomUUID();
        const outputs: Output[] = [];
        let reply: string | undefined;
        let idle = false;
        const dead = () => finish("dead");
        const finish = (status: CellResult["status"]) => {
          clearTimeout(timer);
          waiting.delete(msgId);
          onClose.delete(dead);
          resolve({ status, outputs });
        };
        const timer = setTimeout(() => finish("timeout"), timeoutSec * 1000);
        onClose.add(dead);
        waiting.set(msgId, (m) => {
          const out = output(m);
          if (out) outputs.push(out);
          if (m.header.msg_type === "execute_reply") reply = String(m.content.status);
          if (m.header.msg_type === "status" && m.content.execution_state === "idle") idle = true;
          if (reply !== undefined && idle) finish(reply as CellResult["status"]);
        });
        ws.send(JSON.stringify({
          header: { msg_id: msgId, msg_type: "execute_request", session: clientSession, username: "", date: new Date().toISOString(), version: "5.3" },
          parent_header: {}, metadata: {}, channel: "shell", buffers: [],
          content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        }));
      });
    // The kernel answers its first request once it has started: a cell of nothing.
    const first = await execute("", 120);
    if (first.status !== "ok") throw new Error(`the kernel did not start (${first.status})`);
    const kernelSeconds = (performance.now() - started) / 1000;
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const t = performance.now();
      const r = await execute(cellSource(cell), o.cellTimeoutSec ?? 120);
      const result: CellResult = { index, status: r.status, seconds: (performance.now() - t) / 1000, outputs: r.outputs };
      cells.push(result);
      o.onCell?.(result);
      if (r.status !== "ok") break;
    }
    return { kernelSeconds, cells };
  } finally {
    ws.terminate();
    await api(o, "DELETE", `/sessions/${session.id}`).catch(() => undefined);
  }
}
