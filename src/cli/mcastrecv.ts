#!/usr/bin/env node
// The lecture's receiver as a command, same arguments in the same order:
//   mcastrecv from_nic_by_host_ip mcast_group_ip mcast_port
// Like the lecture's program it waits until a datagram comes, with no time
// limit unless --timeout is given: in class it is started by hand and
// stopped by hand (Ctrl-C). Scripts and tests should always pass --timeout.
import { checkInteger, checkTimeout } from "../util/errors";
import { checkGroup, checkPort } from "../sockets/endpoint";
import { checkLocalAddress, isAnyInterface } from "../sockets/interfaces";
import { now } from "../util/deadline";
import { openReceiver } from "../sockets/receive";
import { Command, EXIT, main, numberArgument } from "./command";

// The module never waits longer than this in one go; without --timeout the
// command simply waits again, slice after slice.
const SLICE_MS = 600_000;

const mcastrecv: Command = {
  name: "mcastrecv",
  usage: "Usage: mcastrecv from_nic_by_host_ip mcast_group_ip mcast_port",
  help: `Joins the multicast group mcast_group_ip on the network interface whose
address is from_nic_by_host_ip, waits for a datagram sent to the group on UDP
port mcast_port, and prints it.

  from_nic_by_host_ip  one of this machine's IPv4 addresses, or 0.0.0.0 (or
                       "any") for INADDR_ANY: then the kernel joins on ONE
                       interface, the one its route to the group uses
  mcast_group_ip       a group in 224.0.0.0/4, e.g. 224.1.1.5
  mcast_port           the UDP port the sender sends to, 1..65535, e.g. 50001

Options:
  --timeout MS     give up after MS milliseconds (at most 600000); default:
                   wait until a datagram comes or Ctrl-C, like the lecture's
  --count N        print N datagrams, then exit; default 1
  -q, --quiet      no "listening" line on stderr
  -h, --help       show this text

Each datagram's payload is printed on its own line on stdout. Once joined it
prints a "listening on ..." line to stderr, so a script knows when to send.
Exit status: 0 received, 1 wrong usage, 2 bad argument value, 3 timed out
(stderr says what arrived), 4 the system refused to bind or join (the message
says why and what to do), 130 stopped with Ctrl-C.

Example (the lecture's flatbush):
  mcastrecv 192.168.56.104 224.1.1.5 50001`,
  options: {
    timeout: { type: "string" },
    count: { type: "string" },
    quiet: { type: "boolean", short: "q" },
    help: { type: "boolean", short: "h" },
  },
  positionals: 3,
  async run([nic, groupText, portText], flags) {
    const on = checkLocalAddress("from_nic_by_host_ip", nic, true);
    const group = checkGroup("mcast_group_ip", groupText);
    const port = checkPort("mcast_port", numberArgument(portText));
    const timeoutMs = flags.timeout === undefined ? undefined : checkTimeout("--timeout", numberArgument(flags.timeout));
    const count = flags.count === undefined ? 1 : checkInteger("--count", numberArgument(flags.count), 1, 1_000_000);

    const receiver = await openReceiver({ group, port, on });
    const joined = isAnyInterface(on) ? "INADDR_ANY" : on;
    let interrupted = false;
    const onInterrupt = () => {
      interrupted = true;
      void receiver.close();
    };
    process.once("SIGINT", onInterrupt);
    try {
      if (!flags.quiet) {
        const until = timeoutMs === undefined ? "until Ctrl-C" : `for up to ${timeoutMs} ms`;
        process.stderr.write(`mcastrecv: listening on ${group}:${port} (joined on ${joined}), waiting ${until} for ${count === 1 ? "1 datagram" : `${count} datagrams`}\n`);
      }
      const end = timeoutMs === undefined ? Infinity : now() + timeoutMs;
      let got = 0;
      while (got < count) {
        const left = end - now();
        if (left <= 0) break;
        const datagram = await receiver.next({ timeoutMs: Math.min(left, SLICE_MS) });
        if (!datagram) continue;
        process.stdout.write(`${datagram.message}\n`);
        got++;
      }
      if (got === count) return EXIT.ok;
      const where = `on ${group}:${port} (joined on ${joined})`;
      process.stderr.write(
        got === 0
          ? `mcastrecv: nothing received after ${timeoutMs} ms ${where}\n`
          : `mcastrecv: ${got} of ${count} datagrams received ${where} before the ${timeoutMs} ms timeout\n`,
      );
      return EXIT.timedOut;
    } catch (error) {
      if (interrupted) return EXIT.interrupted;
      throw error;
    } finally {
      process.off("SIGINT", onInterrupt);
      await receiver.close();
    }
  },
};

void main(mcastrecv);
