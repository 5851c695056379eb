// The lecture's sender (mcastsend): one UDP socket, the multicast TTL, the
// outgoing interface (IP_MULTICAST_IF), one datagram to (group, port), close.
import { createSocket } from "node:dgram";
import { now } from "../util/deadline";
import { bind, checkGroup, checkPayload, checkPort, closeSocket } from "./endpoint";
import { checkOptions } from "../util/options";
import { checkBoolean } from "../util/errors";
import { checkInteger } from "../util/errors";
import { checkLocalAddress } from "./interfaces";

/** What send() sends: group, port, message, TTL, interface and loopback. */
export interface SendOptions {
  /** The multicast group to send to, e.g. "224.1.1.5". */
  group: string;
  /** The UDP port receivers are bound to, e.g. 50001. */
  port: number;
  /** The payload: text (sent as UTF-8) or bytes, at most 65,507 bytes. */
  message: string | Uint8Array;
  /**
   * One of this host's IPv4 addresses: the interface the datagram leaves by
   * (IP_MULTICAST_IF) and its source address. Left out, the kernel picks the
   * interface by its route to the group, often the one with the default route.
   */
  from?: string;
  /** How many routers the datagram may cross (IP_MULTICAST_TTL), 0..255; default 1: this network only. */
  ttl?: number;
  /** Whether this host's own receivers get a copy (IP_MULTICAST_LOOP); default true. */
  loopback?: boolean;
  /** The source port; left out, the kernel picks a free one (the lecture's capture shows 52582). */
  sourcePort?: number;
}

/** What send() did: the bytes sent, from which address and port, to which group and port, with which TTL, and when. */
export interface SendResult {
  /** Payload bytes handed to the kernel. */
  bytes: number;
  /** The source address as bound: `from`, or "0.0.0.0" when left out (the kernel fills it per datagram). */
  from: string;
  fromPort: number;
  group: string;
  port: number;
  ttl: number;
  /** When the kernel took the datagram: ms since 1970, sub-ms precision (see now() in deadline.ts). */
  time: number;
}

const SEND_OPTIONS = ["group", "port", "message", "from", "ttl", "loopback", "sourcePort"] as const;

/**
 * Sends one datagram to a multicast group and resolves once the kernel has
 * taken it. The socket is closed on every path, errors included.
 *
 *     await send({ group: "224.1.1.5", port: 50001, message: "Hello, World!", from: "127.0.0.1" })
 */
export async function send(options: SendOptions): Promise<SendResult> {
  const o = checkOptions<SendOptions>("send", options, SEND_OPTIONS, `{ group: "224.1.1.5", port: 50001, message: "Hello, World!", from: "127.0.0.1" }`);
  const group = checkGroup("group", o.group);
  const port = checkPort("port", o.port);
  const payload = checkPayload("message", o.message);
  const from = o.from === undefined ? undefined : checkLocalAddress("from", o.from);
  const ttl = o.ttl === undefined ? 1 : checkInteger("ttl", o.ttl, 0, 255);
  const loopback = o.loopback === undefined ? true : checkBoolean("loopback", o.loopback);
  const sourcePort = o.sourcePort === undefined ? 0 : checkPort("sourcePort", o.sourcePort);

  // reuseAddr so that re-sending from a fixed sourcePort right away never meets EADDRINUSE.
  const socket = createSocket({ type: "udp4", reuseAddr: true });
  try {
    await bind(socket, sourcePort, from);
    socket.setMulticastTTL(ttl);
    socket.setMulticastLoopback(loopback);
    if (from !== undefined) socket.setMulticastInterface(from);
    await new Promise<void>((resolve, reject) => {
      socket.send(payload, port, group, (error) => (error ? reject(error) : resolve()));
    });
    const time = now();
    const bound = socket.address();
    return { bytes: payload.length, from: bound.address, fromPort: bound.port, group, port, ttl, time };
  } finally {
    await closeSocket(socket);
  }
}
