// Notebook 6, the switch that learns: waiting for a querier to take charge,
// and timing a leave, from the bridge's own table and the IGMP on the wire.
import { Packet } from "../capture/dissect";
import { sniff } from "../capture/sniff";
import { Lab } from "../lab/lab";
import { resolveTopology } from "../lab/resolve-topology";
import { ArgumentError } from "../util/errors";
import { sharedInterface } from "../lab/topology";

/**
 * Wait until every querier of the lab has waited out its other-querier-present
 * interval (measured: until then a snooping bridge still floods), counted
 * from now; resolves to the seconds waited. Call it right after up().
 */
export async function querierInCharge(lab: Lab): Promise<number> {
  if (!(lab instanceof Lab)) throw new ArgumentError("lab", lab, "a lab, as up() returns it");
  const intervals = resolveTopology(lab.topology).networks.flatMap((n) => (n.querier ? [n.querier.otherQuerierIntervalS] : []));
  if (intervals.length === 0) throw new ArgumentError("lab", lab.topology.name, "a lab with a querier, such as mc.up(mc.snoopingTopology())");
  const seconds = Math.max(...intervals) + 0.25;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return seconds;
}

/** What timeLeave measured: a leave, and how long the bridge kept the port in the group after it. */
export interface LeaveTiming {
  host: string;
  group: string;
  /** From the receiver's socket closing (its leave) until the bridge's table no longer has the host's port in the group. */
  goneAfterMs: number;
  /** What the host's link carried meanwhile: its report, its leave, the querier's group-specific queries. */
  packets: Packet[];
}

/** A host joins a group, then leaves it; how long until the bridge stops sending the group down its link? */
export async function timeLeave(lab: Lab, options: { host: string; group: string; timeoutMs?: number }): Promise<LeaveTiming> {
  if (!(lab instanceof Lab)) throw new ArgumentError("lab", lab, "a lab, as up() returns it");
  const { host, group } = options;
  const nic = sharedInterface(lab.topology, lab.host(host).spec);
  if (!nic) throw new ArgumentError("options.host", host, "a host on the lab's shared network");
  const { address: on, name: iface } = nic;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const capture = sniff(lab.host(host), { iface, filter: "igmp", timeoutMs });
  await capture.ready;
  const member = () => lab.mdb().then((rows) => rows.some((r) => r.host === host && r.group === group));
  const receiving = lab.host(host).receive({ group, port: 50001, on, count: 1000, timeoutMs: 600 });
  try {
    await receiving.joined;
    const joinedBy = Date.now() + 3000;
    while (!(await member())) {
      if (Date.now() > joinedBy) throw new Error(`the bridge never listed ${host} in ${group}: is it snooping?`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await receiving.result; // its 600 ms end: the socket closes and the kernel sends the leave
    const left = performance.now();
    while (await member()) {
      if (performance.now() - left > timeoutMs) throw new Error(`${host} was still in ${group} ${timeoutMs} ms after it left`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const goneAfterMs = performance.now() - left;
    // Let the capture see the last query, then stop it.
    await new Promise((r) => setTimeout(r, 300));
    capture.stop();
    return { host, group, goneAfterMs, packets: (await capture).packets };
  } finally {
    receiving.cancel();
    await Promise.allSettled([receiving.result, capture]);
  }
}
