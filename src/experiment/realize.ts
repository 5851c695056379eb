// An experiment realized in a lab: an agent per receiver and per sender in
// its host (traffic-agent.ts), in this order:
//   1. start the receivers; wait until each has joined (or failed, or the join timeout);
//   2. start the senders; wait until they are done;
//   3. let the receivers listen a grace period more, then stop them (each
//      drains its socket and says what it got);
//   4. at the deadline, whatever is still running is killed and counts as
//      having received nothing.
// A receiver on a host that is not in the lab, one that fails to join, or one
// that never answers becomes a row with 0 received and a note; nothing here
// waits past the deadline. The cell shows live progress while it runs.
import type { ImpairedLink } from "../lab/lab";
import { sharedInterface } from "../lab/topology";
import type { ImpairSpec } from "../lab/impair";
import type { ImpairmentRow } from "./results";
import { prefixedMessages } from "../util/prefixed-lines";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { ArgumentError, checkSignal } from "../util/errors";
import { abortError } from "../util/deadline";
import { compiled } from "../lab/compiled";
import { labIsDown } from "../lab/lab-error";
import { shellQuote } from "../util/shell";
import type { Run, RunOptions } from "../lab/command";
import type { HostSpec, Topology } from "../lab/topology";
import { checkExperiment, Experiment, ResolvedExperiment } from "./description";
import { progressLine } from "./progress";
import { AGENT_PREFIX, AgentMessage, Job } from "./runner-agent-protocol";
import { buildResult, DeliveryResult, ReceiverOutcome, SenderOutcome } from "./results";

/** What an experiment needs of a lab (a Lab from up() is one). */
export interface LabLike {
  readonly running: boolean;
  readonly hosts: ReadonlyArray<{ readonly name: string }>;
  host(name: string): HostLike;
  /** Its description: which networks are shared (a NIC on one is where senders send and receivers join by default). */
  readonly topology?: Topology;
  /** Make a link lossy or slow (a Lab has it; an experiment that asks for impairments needs it). */
  impair?(spec: ImpairSpec): Promise<ImpairedLink>;
}

export interface HostLike {
  readonly name: string;
  readonly spec?: HostSpec;
  run(command: string, options?: RunOptions): Run;
}

/** How experiment() runs: live progress in the cell, and an AbortSignal. */
export interface ExperimentOptions {
  /** Aborting it stops every agent at once; the experiment then rejects with an AbortError. */
  signal?: AbortSignal;
  /** Show live progress in the cell (default true; nothing is shown outside a notebook kernel). */
  progress?: boolean;
}

/** How often agents say how far they got. */
const PROGRESS_MS = 100;
/** After a stop, a receiver reads on until its socket has been quiet this long. */
const QUIET_MS = 20;

interface Agent {
  role: "send" | "receive";
  name: string;
  host: string;
  index: number;
  run?: Run;
  joined?: Extract<AgentMessage, { ev: "joined" }>;
  sent?: Extract<AgentMessage, { ev: "sent" }>;
  received?: Extract<AgentMessage, { ev: "received" }>;
  error?: string;
  count: number;
  /** Resolves when it has joined (receivers), or has ended either way. */
  started: Promise<void>;
  ended: Promise<void>;
}

/**
 * Runs an experiment in the lab and resolves with its results, by the
 * description's deadline at the latest:
 *
 *     const result = await mc.experiment(lab, {
 *       senders: [{ host: "midwood", group: "224.1.1.5", count: 1000, rate: 10000 }],
 *       receivers: [{ host: "eastny", group: "224.1.1.5" }, { host: "bushwick", group: "234.3.2.1" }],
 *     });
 *     mc.table(result.rows);
 */
export async function experiment(lab: LabLike, description: Experiment, options: ExperimentOptions = {}): Promise<DeliveryResult> {
  if (typeof lab !== "object" || lab === null || typeof (lab as LabLike).host !== "function" || !Array.isArray((lab as LabLike).hosts)) {
    throw new ArgumentError("lab", lab, "a lab from mc.up()");
  }
  const d = checkExperiment(description);
  if (typeof options !== "object" || options === null) throw new ArgumentError("options", options, "{ signal?, progress? } (or left out)");
  const signal = checkSignal("options.signal", options.signal);
  if (options.progress !== undefined && typeof options.progress !== "boolean") throw new ArgumentError("options.progress", options.progress, "true or false");
  if (!lab.running) throw new Error(labIsDown());
  if (signal?.aborted) throw abortError(signal.reason, "the experiment");

  const epoch = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - epoch) / 1e6;
  const tag = randomBytes(4).readUInt32LE(0);
  // Agents stop themselves early enough to report before the deadline.
  const reserveMs = Math.min(1000, Math.max(150, d.deadlineMs * 0.1));
  const stopAtMs = d.deadlineMs - reserveMs;
  const names = new Set(lab.hosts.map((h) => h.name));
  const progress = options.progress === false ? undefined : progressLine();
  const agentPath = compiled("experiment/traffic-agent");
  resolveInterfaces(lab, d, names);

  const streams = d.senders.map((s) => ({ index: s.index, group: s.group, count: s.count }));
  const common = (group: string, on: string) => ({ tag, epochNs: epoch.toString(), group, port: d.port, on, stopAtMs, progressMs: PROGRESS_MS });
  const receivers: Agent[] = [];
  const senders: Agent[] = [];
  let phase = "joining";
  const show = () => {
    if (!progress) return;
    const sent = senders.reduce((sum, s) => sum + s.count, 0);
    const total = d.senders.reduce((sum, s) => sum + s.count, 0);
    const got = receivers.map((r) => `${r.name} ${r.error ? "—" : r.count.toLocaleString("en-US")}`).join(" · ");
    progress.update(`${phase}: sent ${sent.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} · received: ${got} · ${(elapsed() / 1000).toFixed(1)} s`);
  };

  // Every wait below ends at a time (ms since the epoch) or on the caller's abort; its timer is cleared in `finally`.
  const timers = new Set<NodeJS.Timeout>();
  const until = (ms: number) => new Promise<"time">((resolve) => {
    const timer = setTimeout(() => resolve("time"), Math.max(0, ms - elapsed()));
    timers.add(timer);
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  const wait = async <T>(what: Promise<T>, ms: number): Promise<T | "time"> => {
    const end = await Promise.race([what, until(ms), aborted]);
    if (end === "aborted") throw abortError(signal?.reason, "the experiment");
    return end;
  };
  const ticker = setInterval(show, 200);

  let timedOut = false;
  const impaired: ImpairedLink[] = [];
  const impairments: ImpairmentRow[] = [];
  try {
    if (d.impair.length && typeof lab.impair !== "function") throw new ArgumentError("experiment.impair", description.impair, "left out for this lab (it cannot impair links)");
    // The description's own specs (checkExperiment has checked them; the lab checks its hosts).
    for (const spec of description.impair ?? []) impaired.push(await lab.impair!(spec));
    for (const [i, r] of d.receivers.entries()) {
      receivers.push(start(lab, names, agentPath, "receive", r.name, r.host, i, {
        role: "receive", ...common(r.group, r.on ?? "any"), streams, quietMs: QUIET_MS,
        ...(r.receiveBuffer !== undefined ? { receiveBuffer: r.receiveBuffer } : {}),
      }, d.deadlineMs, show));
    }
    await wait(Promise.all(receivers.map((r) => r.started)), Math.min(d.joinTimeoutMs, stopAtMs));
    phase = "sending";
    show();
    if (elapsed() < stopAtMs) {
      for (const s of d.senders) {
        senders.push(start(lab, names, agentPath, "send", s.name, s.host, s.index, {
          role: "send", ...common(s.group, s.on ?? "any"), index: s.index, count: s.count,
          rate: s.rate === "max" ? 0 : s.rate, size: s.size, ttl: s.ttl, loopback: s.loopback,
        }, d.deadlineMs, show));
      }
    }
    await wait(Promise.all(senders.map((s) => s.ended)), stopAtMs);
    phase = "receiving";
    await wait(new Promise<void>(() => undefined), Math.min(elapsed() + d.graceMs, stopAtMs));
    for (const r of receivers) r.run?.kill("SIGINT");
    const end = await wait(Promise.all([...receivers, ...senders].map((a) => a.ended)), d.deadlineMs);
    timedOut = end === "time" || senders.some((s) => s.sent?.stoppedEarly);
  } finally {
    clearInterval(ticker);
    for (const t of timers) clearTimeout(t);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    for (const a of [...receivers, ...senders]) a.run?.kill("SIGKILL");
    // What the links dropped, read before they are put right again (on every path).
    for (const link of impaired) {
      const drops = await link.drops().catch(() => ({ lost: NaN, overLimit: NaN }));
      impairments.push({ host: link.spec.host, iface: link.spec.iface, lossPercent: link.spec.lossPercent, rateKbit: link.spec.rateKbit, lostOnTheWire: drops.lost, overRateLimit: drops.overLimit });
      await link.remove().catch(() => undefined);
    }
  }

  const warnings: string[] = [];
  const receiverOutcomes: ReceiverOutcome[] = receivers.map((a) => {
    const spec = d.receivers[a.index];
    const note = a.error ?? (!a.joined ? "never joined" : !a.received ? "no result by the deadline" : "");
    if (note) warnings.push(`${a.name}: ${note}`);
    const granted = a.received?.receiveBuffer ?? a.joined?.receiveBuffer;
    if (spec.receiveBuffer !== undefined && granted !== undefined && granted < 2 * spec.receiveBuffer) warnings.push(bufferWarning(a.name, spec.receiveBuffer, granted));
    return {
      name: a.name,
      host: a.host,
      group: spec.group,
      ...(a.received || a.joined ? { joinedOn: a.received?.interface ?? a.joined?.interface } : {}),
      ...(granted !== undefined ? { receiveBuffer: granted } : {}),
      ...(a.received ? { tally: a.received.tally } : {}),
      rcvbufErrors: a.received?.rcvbufErrors ?? null,
      note,
    };
  });
  const senderOutcomes: SenderOutcome[] = d.senders.map((spec) => {
    const a = senders.find((s) => s.index === spec.index);
    const r = a?.sent;
    const note = !a ? "not started (the deadline came first)" : a.error ?? (!r ? "no result by the deadline" : r.stoppedEarly ? `stopped at the deadline after ${r.attempted}` : r.errors ? `sends failed (first: ${r.firstError}); its datagrams are counted as sent` : "");
    if (note) warnings.push(`${spec.name}: ${note}`);
    return { index: spec.index, sent: r?.sent ?? 0, errors: r?.errors ?? 0, sndbufErrors: r?.sndbufErrors ?? null, firstMs: r?.firstMs ?? 0, lastMs: r?.lastMs ?? 0, note };
  });
  const result = buildResult(d, receiverOutcomes, senderOutcomes, elapsed(), timedOut, warnings, impairments);
  progress?.done(`done in ${(result.ms / 1000).toFixed(2)} s: ${result.senders.map((s) => `${s.sender} sent ${s.sent.toLocaleString("en-US")}`).join(", ") || "nothing sent"}; ${result.rows.filter((r) => r.joined).map((r) => `${r.receiver} got ${r.received.toLocaleString("en-US")}`).join(", ")}`);
  return result;
}

/** Fill in each side's interface: left out, the host's NIC on a shared network (eth1 in the lecture's lab). */
function resolveInterfaces(lab: LabLike, d: ResolvedExperiment, names: Set<string>): void {
  const shared = (host: string) => (names.has(host) ? sharedInterface(lab.topology, lab.host(host).spec)?.name : undefined);
  for (const s of d.senders) s.on ??= shared(s.host) ?? "any";
  for (const r of d.receivers) r.on ??= shared(r.host) ?? "any";
}

function start(
  lab: LabLike,
  names: Set<string>,
  agentPath: string,
  role: "send" | "receive",
  name: string,
  host: string,
  index: number,
  job: Job,
  deadlineMs: number,
  onProgress: () => void,
): Agent {
  const agent: Agent = { role, name, host, index, count: 0, started: Promise.resolve(), ended: Promise.resolve() };
  if (!names.has(host)) {
    agent.error = `no host ${host} in this lab (it has ${[...names].join(", ")})`;
    return agent;
  }
  // exec: the agent itself gets the Ctrl-C, not a shell around it.
  const command = `exec ${shellQuote(process.execPath)} ${shellQuote(agentPath)} ${shellQuote(JSON.stringify(job))}`;
  const run = lab.host(host).run(command, { timeoutMs: deadlineMs + 2000 });
  agent.run = run;
  let markStarted!: () => void;
  agent.started = new Promise<void>((resolve) => (markStarted = resolve));
  agent.ended = (async () => {
    for await (const m of prefixedMessages<AgentMessage>(run.lines, AGENT_PREFIX)) {
      if (m.ev === "joined") {
        agent.joined = m;
        markStarted();
      } else if (m.ev === "progress") {
        agent.count = m.count;
        onProgress();
      } else if (m.ev === "sent") {
        agent.sent = m;
        agent.count = m.attempted;
      } else if (m.ev === "received") {
        agent.received = m;
        agent.count = receivedCount(m);
      } else if (m.ev === "error") agent.error ??= m.message;
    }
    const end = await run.exited;
    if (!agent.sent && !agent.received && !agent.error && end.error) agent.error = end.error;
    if (!agent.sent && !agent.received && !agent.error && end.code !== 0 && end.code !== null) {
      agent.error = `its agent exited with code ${end.code}${end.stderr.trim() ? `: ${end.stderr.trim().split("\n").slice(-1)[0]}` : ""}`;
    }
    markStarted();
  })();
  if (role === "send") agent.started = Promise.resolve();
  return agent;
}

function receivedCount(m: Extract<AgentMessage, { ev: "received" }>): number {
  return m.tally.groups.reduce((sum, g) => sum + g.received, 0);
}

/** This machine's net.core.rmem_max (read-only inside the lab's namespaces), or undefined. */
function rmemMax(): number | undefined {
  try {
    return Number(readFileSync("/proc/sys/net/core/rmem_max", "utf8").trim());
  } catch {
    return undefined;
  }
}

function bufferWarning(name: string, asked: number, granted: number): string {
  const max = rmemMax();
  return `${name} asked for a ${asked.toLocaleString("en-US")}-byte receive buffer and the kernel granted ${granted.toLocaleString("en-US")} (it reports twice what it sets)` +
    (max !== undefined ? `: net.core.rmem_max here is ${max.toLocaleString("en-US")}, a limit of this machine that the lab's namespaces can only read. Raise it with: sudo sysctl -w net.core.rmem_max=${asked}` : "");
}
