// A host of the lab, the way Mininet's h1.cmd() works but typed and async:
// run a command in its namespace, ask its kernel what it has (addresses,
// routes, groups, UDP counters), or call the course's send()/receive() from
// inside it, so that a notebook cell needs no shell strings.
import { prefixedMessages } from "../util/prefixed-lines";
import { inspect } from "node:util";
import type { ReceiveOptions, ReceiveResult } from "../sockets/receive";
import type { SendOptions, SendResult } from "../sockets/send";
import { tryParseIPv4 } from "../addresses/address";
import { ArgumentError, checkSignal, checkTimeout } from "../util/errors";
import { shellQuote } from "../util/shell";
import { findPython3 } from "../util/programs";
import { Run, RunOptions } from "./command";
import type { HostSpec } from "./topology";
import { AGENT_PREFIX, decode, encode, revive, SerializedError } from "./host-agent-protocol";
import type { CallRequest } from "./host-agent";
import { sourceProblem } from "./sandbox";
import { AddressRow, GroupRow, parseAddresses, parseGroups, parseRouteGet, parseSnmp, parseUdpSockets, RouteRow, UdpCounters, UdpSocketRow } from "./views";

/** What a Host needs from its lab (lab.ts implements it). */
export interface HostLink {
  start(namespace: string, command: string, options: RunOptions): Run;
}

/** A command that failed: the message has its exit and its stderr. */
export class CommandError extends Error {
  constructor(readonly result: import("./command").RunResult) {
    super(
      `${result.host}: \`${result.command}\` ${result.timedOut ? "ran past its deadline" : result.error ? result.error : result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`}` +
        (result.stderr.trim() ? `:\n${result.stderr.trim()}` : ""),
    );
    this.name = "CommandError";
  }
}

/**
 * The course's send() and receive(), as they cross into a host and back: the
 * module's own options and results (the module in the host checks them, and
 * its errors come back as they are). A signal stays on this side.
 */
export type LabSendOptions = SendOptions;
/** host.send()'s result: send()'s, brought back from the host. */
export type LabSendResult = SendResult;
/** host.receive()'s options: receive()'s, run inside the host. */
export type LabReceiveOptions = ReceiveOptions;
/** host.receive()'s result: receive()'s, brought back from the host. */
export type LabReceiveResult = ReceiveResult;

/** A receive() running in a host: await it for the result. */
export interface Receiving extends PromiseLike<LabReceiveResult> {
  /** Resolves once the host has joined the group (so a sender may start). */
  readonly joined: Promise<{ interface: string }>;
  readonly result: Promise<LabReceiveResult>;
  /** The agent process running it. */
  readonly run: Run;
  /** Stop waiting: the Receiving then rejects with an AbortError, as receive() does when aborted. */
  cancel(): void;
}

/** A function of the owner's running in a host (Host.call): await it for its result. */
export interface Calling extends PromiseLike<CallResult> {
  /** Resolves just before the function is called in the host (the process has started and compiled it). */
  readonly calling: Promise<void>;
  readonly result: Promise<CallResult>;
  /** The agent process running it; it stays `holdMs` after the result, then exits. */
  readonly run: Run;
  /** Stop it now (the process and every socket it holds end). */
  cancel(): void;
}

/** What host.call() got back: the function's value and how long it took in the host. */
export interface CallResult {
  /** What the function returned (as JSON data). */
  value: unknown;
  /** From the call to the result, measured in the host. */
  ms: number;
}

/** How host.call() runs a function: deadline, how long to hold after the result, AbortSignal. */
export interface CallOptions {
  /** The function must finish within this (default 5000 ms). */
  timeoutMs?: number;
  /** How long the process stays after the result (default 0), e.g. to look at the host's sockets before it exits. */
  holdMs?: number;
  signal?: AbortSignal;
}

/** How long an agent (a Node process in the host) may take beyond the work itself: its start-up. */
const AGENT_SLACK_MS = 10_000;
/** receive()'s own default wait (src/receive.ts). */
const RECEIVE_DEFAULT_MS = 3_000;

/** One host of a lab (a network namespace): run commands, send and receive, call a function, read its state. */
export class Host {
  constructor(
    readonly name: string,
    private readonly lab: HostLink & { agentPath?: () => string },
    /** Its description in the topology (undefined for the switch and segment namespaces). */
    readonly spec?: HostSpec,
  ) {}

  /** What a notebook cell shows for a host: its name and addresses. */
  [inspect.custom](): string {
    const nics = (this.spec?.interfaces ?? []).map((f) => `${f.name} ${f.address}`).join(", ");
    return `Host ${this.name}${nics ? `: ${nics}` : ""}`;
  }

  /**
   * Run a shell command in the host, e.g. run("mcastrecv 192.168.56.104
   * 224.1.1.5 50001"). Returns at once; the Run streams its output and is
   * killed at its deadline (default 10 s).
   */
  run(command: string, options: RunOptions = {}): Run {
    if (typeof command !== "string" || command.trim() === "") throw new ArgumentError("command", command, "a shell command");
    return this.lab.start(this.name, command, options);
  }

  /** Run a command and resolve to its stdout; reject with CommandError unless it exits 0. */
  async cmd(command: string, options: RunOptions = {}): Promise<string> {
    const result = await this.run(command, options).exited;
    if (result.code !== 0 || result.timedOut || result.error) throw new CommandError(result);
    return result.stdout;
  }

  /**
   * Put one Ethernet frame, as built (e.g. by igmpFrame), on the wire of one
   * of its interfaces, as is: no kernel stack in between, so it goes out even
   * when the host itself would never send it (a query from a host that is no
   * router). Python's AF_PACKET socket sends it; Node has none.
   */
  async sendFrame(iface: string, frame: Uint8Array): Promise<void> {
    const names = (this.spec?.interfaces ?? []).map((f) => f.name);
    if (!names.includes(iface)) throw new ArgumentError("iface", iface, `an interface of ${this.name}: ${names.join(", ")}`);
    if (!(frame instanceof Uint8Array) || frame.length < 14 || frame.length > 1514) throw new ArgumentError("frame", frame, "an Ethernet frame of 14 to 1514 bytes (a Uint8Array)");
    const python = findPython3();
    if (!python) throw new Error("sending a raw frame needs Python 3 (sudo apt-get install python3)");
    const script = "import socket,sys\ns=socket.socket(socket.AF_PACKET,socket.SOCK_RAW)\ns.bind((sys.argv[1],0))\ns.send(bytes.fromhex(sys.argv[2]))\ns.close()";
    await this.cmd(`${shellQuote(python)} -I -S -c ${shellQuote(script)} ${iface} ${Buffer.from(frame).toString("hex")}`, { timeoutMs: 5000 });
  }

  /** Its IPv4 addresses, one row each (ip addr). */
  async addresses(): Promise<AddressRow[]> {
    return parseAddresses(await this.cmd("ip -j addr show"));
  }

  /** Where a datagram to this address would leave from (ip route get). */
  async routeGet(destination: string): Promise<RouteRow> {
    checkAddress("destination", destination);
    return parseRouteGet(await this.cmd(`ip -j route get ${destination}`));
  }

  /** The IPv4 groups each interface has joined (ip maddr), with their MACs. */
  async groups(): Promise<GroupRow[]> {
    return parseGroups(await this.cmd("ip -j maddr show"));
  }

  /** Resolves once the host is a member of the group (on that interface, if given). */
  async waitForGroup(group: string, options: { interface?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    checkAddress("group", group);
    const timeoutMs = options.timeoutMs === undefined ? 5_000 : checkTimeout("options.timeoutMs", options.timeoutMs);
    const signal = checkSignal("options.signal", options.signal);
    if (options.interface !== undefined && !/^[A-Za-z0-9_.-]{1,15}$/.test(options.interface)) {
      throw new ArgumentError("options.interface", options.interface, 'an interface name such as "eth1" (or left out)');
    }
    const dev = options.interface ? ` dev ${options.interface}` : "";
    const pattern = `inet +${group.replace(/\./g, "\\.")}$`;
    const result = await this.run(`until ip maddr show${dev} | grep -Eq '${pattern}'; do sleep 0.01; done`, { timeoutMs, signal }).exited;
    if (result.timedOut) throw new Error(`${this.name} did not join ${group}${dev ? ` on ${options.interface}` : ""} within ${timeoutMs} ms`);
    if (result.code !== 0) throw new CommandError(result);
  }

  /** The UDP counters of its kernel (/proc/net/snmp, read inside its namespace). */
  async udpCounters(): Promise<UdpCounters> {
    return parseSnmp(await this.cmd("cat /proc/net/snmp")).Udp as UdpCounters;
  }

  /** Every UDP socket open in the host, in any process (/proc/net/udp). */
  async udpSockets(): Promise<UdpSocketRow[]> {
    return parseUdpSockets(await this.cmd("cat /proc/net/udp"));
  }

  /** All of /proc/net/snmp: { Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite }. */
  async snmp(): Promise<Record<string, Record<string, number>>> {
    return parseSnmp(await this.cmd("cat /proc/net/snmp"));
  }

  /** The course's send() run inside this host. */
  async send(options: LabSendOptions): Promise<LabSendResult> {
    if (typeof options !== "object" || options === null) throw new ArgumentError("options", options, "send options { group, port, message, from?, ttl? }");
    const run = this.agent("send", options, { timeoutMs: AGENT_SLACK_MS });
    return (await agentResult(run)).value as LabSendResult;
  }

  /**
   * The course's receive() run inside this host. Returns at once: await
   * `.joined` before sending, then await the Receiving itself for the result.
   */
  receive(options: LabReceiveOptions): Receiving {
    if (typeof options !== "object" || options === null) throw new ArgumentError("options", options, "receive options { group, port, on, count?, timeoutMs? }");
    const { signal, ...rest } = options;
    checkSignal("signal", signal);
    const waitMs = typeof options.timeoutMs === "number" && options.timeoutMs > 0 ? Math.min(options.timeoutMs, 600_000) : RECEIVE_DEFAULT_MS;
    // The signal stays here (it cannot cross into the host); aborting it
    // stops the agent with a Ctrl-C, and the agent aborts its receive().
    const run = this.agent("receive", rest, { timeoutMs: Math.min(waitMs + AGENT_SLACK_MS, 600_000), signal: signal as AbortSignal | undefined });
    const outcome = agentResult(run);
    const result = outcome.then((o) => o.value as LabReceiveResult);
    const joined = outcome.joined;
    // Marked handled: a cell that never awaits one of them must not crash the kernel.
    result.catch(() => undefined);
    joined.catch(() => undefined);
    return {
      joined,
      result,
      run,
      cancel: () => run.kill("SIGINT"),
      then: (onFulfilled, onRejected) => result.then(onFulfilled, onRejected),
    };
  }

  /**
   * Run one of your functions inside this host, in a Node process of its
   * own, e.g. `await host.call(receiveOne, ["224.1.1.5", 50001,
   * "192.168.56.104", 3000])`. The function must be self-contained: it sees
   * `dgram` (node:dgram), the timers, Buffer and console, not the variables
   * of your other cells. Its arguments and its result cross as JSON.
   */
  call(fn: ((...args: never[]) => unknown) | string, args: unknown[] = [], options: CallOptions = {}): Calling {
    if (typeof fn !== "function" && typeof fn !== "string") throw new ArgumentError("fn", fn, "a function (or its source text)");
    if (!Array.isArray(args)) throw new ArgumentError("args", args, "an array of the function's arguments");
    if (typeof options !== "object" || options === null) throw new ArgumentError("options", options, "{ timeoutMs?, holdMs?, signal? }");
    const timeoutMs = options.timeoutMs === undefined ? 5_000 : checkTimeout("options.timeoutMs", options.timeoutMs, 120_000);
    const holdMs = options.holdMs === undefined || options.holdMs === 0 ? 0 : checkTimeout("options.holdMs", options.holdMs, 60_000);
    const signal = checkSignal("options.signal", options.signal);
    const source = typeof fn === "function" ? Function.prototype.toString.call(fn) : fn;
    const problem = sourceProblem(source);
    if (problem) throw new ArgumentError("fn", typeof fn === "function" ? fn.name || "a function" : "a source text", `a self-contained function; this one cannot run in a host: ${problem}`);
    const input = encode({ source, args, timeoutMs, holdMs } satisfies CallRequest);
    const run = this.agent("call", null, { timeoutMs: timeoutMs + holdMs + AGENT_SLACK_MS, signal: signal as AbortSignal | undefined, input });
    const outcome = agentResult(run, "calling");
    const result = outcome.then((o) => o.value as CallResult);
    result.catch(() => undefined);
    outcome.joined.catch(() => undefined);
    return {
      calling: outcome.joined.then(() => undefined),
      result,
      run,
      cancel: () => run.kill("SIGKILL"),
      then: (onFulfilled, onRejected) => result.then(onFulfilled, onRejected),
    };
  }

  private agent(fn: "send" | "receive" | "call", options: object | null, runOptions: RunOptions): Run {
    const path = this.lab.agentPath?.();
    if (!path) throw new Error(`${this.name} is not a host of a running lab`);
    const json = options === null ? "" : ` ${shellQuote(encode(options))}`;
    return this.run(`${shellQuote(process.execPath)} ${shellQuote(path)} ${fn}${json}`, runOptions);
  }
}

/**
 * The agent's result line, and its early line: "joined" for a receive
 * (resolving `joined`), "calling" for a call. A call's result keeps its `ms`.
 */
function agentResult(run: Run, early: "joined" | "calling" = "joined"): Promise<{ value: unknown }> & { joined: Promise<{ interface: string }> } {
  let onJoined!: (v: { interface: string }) => void;
  let joinFailed!: (e: Error) => void;
  const joined = new Promise<{ interface: string }>((resolve, reject) => ((onJoined = resolve), (joinFailed = reject)));
  joined.catch(() => undefined); // a send has no "joined"; nobody waits for it
  const done = (async () => {
    let value: unknown;
    let failure: Error | undefined;
    let got = false;
    for await (const message of prefixedMessages<{ ev: string; value?: unknown; interface?: string; ms?: number; error?: SerializedError }>(run.lines, AGENT_PREFIX, decode)) {
      if (message.ev === early) onJoined({ interface: message.interface ?? "" });
      else if (message.ev === "result") {
        value = early === "calling" ? { value: message.value, ms: message.ms } : message.value;
        got = true;
        // A call's process stays a while after its result; the owner need not wait for that.
        if (early === "calling") break;
      } else if (message.ev === "error") failure = revive(message.error!);
    }
    if (got && early === "calling") return { value };
    const end = await run.exited;
    if (!got && !failure) failure = new CommandError(end.error || end.timedOut || end.code !== 0 ? end : { ...end, error: "the agent printed no result" });
    if (failure) {
      joinFailed(failure);
      throw failure;
    }
    joinFailed(new Error(`${run.host} finished without joining`));
    return { value };
  })();
  return Object.assign(done, { joined });
}

function checkAddress(argument: string, value: unknown): void {
  if (tryParseIPv4(value) < 0) throw new ArgumentError(argument, value, 'a dotted-decimal IPv4 address such as "224.1.1.5"');
}

