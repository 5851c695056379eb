#!/usr/bin/env node
// The lecture's sender as a command, same arguments in the same order:
//   mcastsend host_ip mcast_group_ip mcast_port_num message
import { checkInteger } from "../util/errors";
import { checkGroup, checkPayload, checkPort } from "../sockets/endpoint";
import { checkLocalAddress } from "../sockets/interfaces";
import { send } from "../sockets/send";
import { Command, EXIT, main, numberArgument } from "./command";

const mcastsend: Command = {
  name: "mcastsend",
  usage: "Usage: mcastsend host_ip mcast_group_ip mcast_port_num message",
  help: `Sends message as one UDP datagram to the multicast group mcast_group_ip,
port mcast_port_num, out of the network interface whose address is host_ip.

  host_ip          one of this machine's IPv4 addresses: the outgoing interface
                   (IP_MULTICAST_IF) and the source address
  mcast_group_ip   a group in 224.0.0.0/4, e.g. 224.1.1.5
  mcast_port_num   the receivers' UDP port, 1..65535, e.g. 50001
  message          the text to send (UTF-8); quote it if it has spaces

Options:
  --ttl N          how many hops the datagram may travel (IP_MULTICAST_TTL),
                   0..255; default 1, this network only
  --count N        send the message N times; default 1
  --no-loopback    no copy for receivers on this machine (IP_MULTICAST_LOOP off)
  -q, --quiet      print nothing on success
  -h, --help       show this text

On success it prints one line to stderr: what left, from which address and
port. Exit status: 0 sent, 1 wrong usage, 2 bad argument value, 4 the system
refused to send (the message says why).

Example (the lecture's midwood):
  mcastsend 192.168.56.103 224.1.1.5 50001 "Hello, World!"`,
  options: {
    ttl: { type: "string" },
    count: { type: "string" },
    "no-loopback": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    help: { type: "boolean", short: "h" },
  },
  positionals: 4,
  async run([hostIp, groupText, portText, message], flags) {
    // Checked with the lecture's argument names, so an error points at what was typed.
    const from = checkLocalAddress("host_ip", hostIp);
    const group = checkGroup("mcast_group_ip", groupText);
    const port = checkPort("mcast_port_num", numberArgument(portText));
    checkPayload("message", message);
    const ttl = flags.ttl === undefined ? 1 : checkInteger("--ttl", numberArgument(flags.ttl), 0, 255);
    const count = flags.count === undefined ? 1 : checkInteger("--count", numberArgument(flags.count), 1, 1_000_000);
    const loopback = !flags["no-loopback"];
    for (let i = 0; i < count; i++) {
      const sent = await send({ group, port, message, from, ttl, loopback });
      if (!flags.quiet) {
        process.stderr.write(`mcastsend: sent ${sent.bytes} bytes ${sent.from}:${sent.fromPort} > ${sent.group}:${sent.port}, TTL ${sent.ttl}\n`);
      }
    }
    return EXIT.ok;
  },
};

void main(mcastsend);
