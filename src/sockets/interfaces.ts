// This machine's IPv4 addresses, one per network interface (NIC) address.
// The lecture names a NIC by its address twice: the sender's IP_MULTICAST_IF
// and the receiver's IP_ADD_MEMBERSHIP. An address that is not on this host
// would only fail later inside the kernel (EADDRNOTAVAIL), so we check it here
// and list the ones that would work.
import { networkInterfaces } from "node:os";
import { ArgumentError } from "../util/errors";

/** One IPv4 address of this machine: the interface, address, netmask and MAC. */
export interface LocalAddress {
  /** The interface's name, e.g. "lo" or "enp0s8". */
  name: string;
  /** Its IPv4 address in dotted-decimal, e.g. "192.168.56.101". */
  address: string;
  netmask: string;
  /** The interface's MAC address ("00:00:00:00:00:00" on loopback). */
  mac: string;
  /** True for loopback. */
  internal: boolean;
}

/** The IPv4 addresses of this machine (of this network namespace), read fresh each call. */
export function localAddresses(): LocalAddress[] {
  const found: LocalAddress[] = [];
  for (const [name, entries] of Object.entries(networkInterfaces())) {
    for (const e of entries ?? []) {
      // Node 18.0-18.3 reported family as the number 4.
      if (e.family !== "IPv4" && (e.family as unknown) !== 4) continue;
      found.push({ name, address: e.address, netmask: e.netmask, mac: e.mac, internal: e.internal });
    }
  }
  return found;
}

/** The interface called `on` ("eth1"), or the one holding the address `on`; undefined when there is none. */
export function findInterface(on: string): LocalAddress | undefined {
  return localAddresses().find((a) => a.name === on || a.address === on);
}

/** The words the receiver accepts for "let the kernel pick the interface" (INADDR_ANY). */
export const ANY_INTERFACE = ["any", "0.0.0.0"] as const;

/**
 * Checks that `value` is one of this machine's IPv4 addresses (or, with
 * `allowAny`, "any" / "0.0.0.0") and returns it. The error lists the
 * addresses that would work, so a student can copy one.
 */
export function checkLocalAddress(argument: string, value: unknown, allowAny = false): string {
  const here = localAddresses();
  if (typeof value === "string") {
    if (allowAny && (ANY_INTERFACE as readonly string[]).includes(value)) return value;
    if (here.some((a) => a.address === value)) return value;
  }
  const list = here.map((a) => `${a.address} (${a.name})`).join(", ") || "none found";
  const any = allowAny ? `, or "any" / "0.0.0.0" to let the kernel pick one (INADDR_ANY)` : "";
  throw new ArgumentError(argument, value, `one of this machine's IPv4 addresses: ${list}${any}`, "it names the network interface to use");
}

/** True when a receiver's `on` means INADDR_ANY. */
export function isAnyInterface(on: string): boolean {
  return (ANY_INTERFACE as readonly string[]).includes(on);
}
