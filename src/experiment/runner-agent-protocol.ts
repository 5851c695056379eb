// How realize.ts and the agents it starts in the hosts talk: the agent gets its
// job as one JSON argument and answers in stdout lines that start with
// AGENT_PREFIX, each holding one JSON message.
import type { StreamSpec, TallySummary } from "./accounting";

export const AGENT_PREFIX = "@mcast-exp ";

interface Common {
  /** Random per experiment: the first field (tag) of every datagram. */
  tag: number;
  /** The experiment's epoch, process.hrtime.bigint() as a decimal string. */
  epochNs: string;
  group: string;
  port: number;
  /** Interface name, address or "any". */
  on: string;
  /** Stop by then, in ms since the epoch, whatever happens. */
  stopAtMs: number;
  /** How often to say how far it got. */
  progressMs: number;
}

export interface SendJob extends Common {
  role: "send";
  index: number;
  count: number;
  /** Datagrams per second; 0 for as fast as it can. */
  rate: number;
  size: number;
  ttl: number;
  loopback: boolean;
}

export interface ReceiveJob extends Common {
  role: "receive";
  receiveBuffer?: number;
  /** Every sender of the run (a socket bound to 0.0.0.0 could hear any of them). */
  streams: StreamSpec[];
  /** After a stop, keep reading until the socket has been quiet this long (drains its buffer). */
  quietMs: number;
}

export type Job = SendJob | ReceiveJob;

export type AgentMessage =
  | { ev: "joined"; interface: string; address: string; receiveBuffer: number }
  | { ev: "progress"; count: number }
  | {
      ev: "sent";
      attempted: number;
      /** Datagrams handed to the kernel (the sends dgram took). */
      sent: number;
      /** Sends that reported a failure (sampled: one send per burst has a callback). */
      errors: number;
      firstError?: string;
      /** Growth of its host's Udp SndbufErrors: datagrams the kernel took but could not pass on. */
      sndbufErrors: number | null;
      firstMs: number;
      lastMs: number;
      stoppedEarly: boolean;
    }
  | { ev: "received"; tally: TallySummary; rcvbufErrors: number | null; receiveBuffer: number; interface: string; stoppedBy: string }
  | { ev: "error"; message: string };
