// A lossy or slow link, inside the lab: this kernel has no netem, so loss is
// an nftables rule (numgen random) and a rate limit a tbf qdisc, both on the
// switch's end of the link to a host (the bridge port's egress). What they
// drop never reaches the host: not its sockets, not its captures. That is
// loss on the wire, beside the receive buffer's loss notebook 4 measures.
import { ArgumentError } from "../util/errors";

/** Impair the link to one host's interface: lose a share of what goes to it, or carry it at a rate. */
export interface ImpairSpec {
  host: string;
  /** The host's interface (default "eth1", the lecture's host-only NIC). */
  iface?: string;
  /** The share of UDP datagrams lost on the way to the host, in percent (0.1 steps), more than 0 and at most 100. */
  lossPercent?: number;
  /** The most the link carries towards the host, in kbit/s (a token bucket with a 4 KiB burst and 50 ms of queue). */
  rateKbit?: number;
}

export interface ResolvedImpair {
  host: string;
  iface: string;
  lossPercent: number | null;
  rateKbit: number | null;
}

/** What an impairment dropped: by the loss rule, and by the rate limit (its queue overflowing). */
export interface ImpairDrops {
  lost: number;
  overLimit: number;
}

export function checkImpair(at: string, value: unknown): ResolvedImpair {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ArgumentError(at, value, '{ host, iface?, lossPercent?, rateKbit? }, such as { host: "flatbush", lossPercent: 20 }');
  const v = value as ImpairSpec;
  for (const key of Object.keys(v)) if (!["host", "iface", "lossPercent", "rateKbit"].includes(key)) throw new ArgumentError(`${at}.${key}`, (v as unknown as Record<string, unknown>)[key], "one of host, iface, lossPercent, rateKbit");
  if (typeof v.host !== "string" || v.host === "") throw new ArgumentError(`${at}.host`, v.host, "a host's name");
  const iface = v.iface ?? "eth1";
  if (typeof iface !== "string" || !/^[a-z][a-z0-9]{0,9}$/.test(iface)) throw new ArgumentError(`${at}.iface`, iface, 'an interface name such as "eth1"');
  let lossPercent: number | null = null;
  if (v.lossPercent !== undefined) {
    const p = v.lossPercent;
    if (typeof p !== "number" || !(p > 0 && p <= 100) || Math.round(p * 10) !== p * 10) throw new ArgumentError(`${at}.lossPercent`, p, "a percentage more than 0 and at most 100, in steps of 0.1");
    lossPercent = p;
  }
  let rateKbit: number | null = null;
  if (v.rateKbit !== undefined) {
    const r = v.rateKbit;
    if (!Number.isInteger(r) || (r as number) < 8 || (r as number) > 10_000_000) throw new ArgumentError(`${at}.rateKbit`, r, "a whole number of kbit/s from 8 to 10,000,000");
    rateKbit = r as number;
  }
  if (lossPercent === null && rateKbit === null) throw new ArgumentError(at, value, "lossPercent, rateKbit or both (an impairment that does nothing is a mistake)");
  return { host: v.host, iface, lossPercent, rateKbit };
}

/** The switch's end of the link to `host`'s `iface` (resolve-topology names it so). */
export function linkPeer(i: ResolvedImpair): string {
  return `${i.host}-${i.iface}`;
}

function table(i: ResolvedImpair): string {
  return `mcastlab_impair_${i.host.replace(/-/g, "_")}_${i.iface}`;
}

/** The commands, for the switch namespace, that put the impairment on. */
export function impairCommands(i: ResolvedImpair): string[] {
  const dev = linkPeer(i);
  const out: string[] = [];
  if (i.lossPercent !== null) {
    // Per mille: numgen gives 0..999, and the first lossPercent × 10 of them drop.
    const rule = `meta l4proto udp numgen random mod 1000 < ${Math.round(i.lossPercent * 10)} counter drop`;
    out.push(`nft -f - <<'EOF'\ntable netdev ${table(i)} {\n  chain egress {\n    type filter hook egress device "${dev}" priority 0; policy accept;\n    ${rule}\n  }\n}\nEOF`);
  }
  if (i.rateKbit !== null) out.push(`tc qdisc replace dev ${dev} root tbf rate ${i.rateKbit}kbit burst 4kb latency 50ms`);
  return out;
}

/** The commands that take it off again (each one harmless when there is nothing to take off). */
export function unimpairCommands(i: ResolvedImpair): string[] {
  const dev = linkPeer(i);
  return [`nft delete table netdev ${table(i)} 2>/dev/null || true`, `tc qdisc del dev ${dev} root 2>/dev/null || true`];
}

/** A shell command printing the drops as JSON: the loss rule's counter, the qdisc's drops. */
export function dropsCommand(i: ResolvedImpair): string {
  const dev = linkPeer(i);
  const lost = i.lossPercent === null ? "echo 0" : `nft list table netdev ${table(i)} | sed -n 's/.*counter packets \\([0-9]*\\).*/\\1/p'`;
  const over = i.rateKbit === null ? "echo 0" : `tc -s qdisc show dev ${dev} | sed -n 's/.*dropped \\([0-9]*\\).*/\\1/p' | head -1`;
  return `printf '{"lost":%s,"overLimit":%s}' "$(${lost})" "$(${over})"`;
}
