// From a resolved topology to the `ip` commands that build it, as data a
// notebook can print, and the shell script the lab's first process runs.
// Batches (`ip -batch -`) keep up() to a handful of process starts however
// many hosts there are: one for the switch namespace (the lab's own), then
// one per host, side by side.
import { shellQuote } from "../util/shell";
import { checkSysctls, Resolved, ResolvedHost, ResolvedQuerier } from "./resolve-topology";
import { SWITCH_NAMESPACE } from "./topology";
import { ArgumentError } from "../util/errors";

/** Where the lab keeps its own files, on a tmpfs only the lab's mount namespace sees. */
export const RUN_DIR = "/run/mcast-lab";

export interface PlanOptions {
  /** Make every host send IGMP reports of this version (net.ipv4.conf.all.force_igmp_version). */
  igmpVersion?: 2 | 3;
  /** net.* sysctls for every host (a host's own sysctls win). */
  sysctls?: Record<string, string | number>;
}

export interface Plan {
  /** The switch namespace, then the hosts'. */
  namespaces: string[];
  hosts: string[];
  /**
   * `ip -batch -` in the switch namespace, which is the lab's own: the hosts'
   * namespaces, every link (one end moved into its host), the bridges and
   * the gateways.
   */
  switch: string[];
  /** `ip -n HOST -batch -` for each host: addresses, links up, routes. */
  hostCommands: Array<{ namespace: string; commands: string[] }>;
  /** Per host, sysctls written inside its namespace. */
  sysctls: Array<{ namespace: string; values: Record<string, string> }>;
  /** The lab's /etc/hosts, so that hosts reach each other by name. */
  hostsFile: string;
  /** Each multicast router's smcroute.conf (the lab runs one smcrouted per router). */
  routers: Array<{ host: string; conf: string; interfaces: string[] }>;
}

export function checkPlanOptions(options: PlanOptions, argument = "options"): void {
  if (options.igmpVersion !== undefined && options.igmpVersion !== 2 && options.igmpVersion !== 3) {
    throw new ArgumentError(`${argument}.igmpVersion`, options.igmpVersion, "2 or 3 (or left out for the kernel's default, 3)");
  }
  if (options.sysctls !== undefined) checkSysctls(options.sysctls, `${argument}.sysctls`);
}

export function planLab(lab: Resolved, options: PlanOptions = {}): Plan {
  const ipv6 = lab.topology.ipv6 === true;
  // Without an IPv6 link-local address an interface sends no router
  // solicitations and no MLD reports: captures hold only IPv4.
  const quiet = (dev: string) => (ipv6 ? [] : [`link set dev ${dev} addrgenmode none`]);

  // A router's namespace is made by planScript (see routerNamespace), not here.
  const isRouter = (h: ResolvedHost) => (h.spec.multicastRoutes?.length ?? 0) > 0;
  const sw = lab.hosts.filter((h) => !isRouter(h)).map((h) => `netns add ${h.name}`);
  // The lab's own namespace gets a name too, for lab.namespace("switch").run().
  sw.push(`netns attach ${SWITCH_NAMESPACE} 1`, "link set dev lo up");
  const used = lab.networks.filter((n) => lab.hosts.some((h) => h.interfaces.some((f) => f.network === n)));
  for (const net of used.filter((n) => !n.isolated)) {
    sw.push(`link add ${net.name} type bridge mcast_snooping ${net.snooping ? 1 : 0}`, ...quiet(net.name));
    if (net.gateway) sw.push(`addr add ${net.gateway}/${net.prefix} dev ${net.name}`);
    const q = net.querier;
    if (q) {
      if (q.address !== net.gateway) sw.push(`addr add ${q.address}/${net.prefix} dev ${net.name}`);
      sw.push(querierTimers(net.name, q));
    }
    sw.push(`link set dev ${net.name} up`);
    // Last, once its timers are set: the bridge waits one other-querier-present
    // interval from this moment before it stops flooding joined groups (measured:
    // turned on before the timers, it kept flooding for the default 255 s).
    if (q) sw.push(`link set dev ${net.name} type bridge mcast_querier 1`);
  }
  for (const h of lab.hosts) {
    for (const f of h.interfaces) {
      sw.push(`link add ${f.peer} type veth peer name ${f.name} address ${f.mac} netns ${h.name}`, ...quiet(f.peer));
      if (!f.network.isolated) sw.push(`link set dev ${f.peer} master ${f.network.name}`, `link set dev ${f.peer} up`);
      else if (f.network.gateway) {
        // The same gateway address on every host's link: a /32 route per
        // host sends each answer back down the right one.
        sw.push(`addr add ${f.network.gateway}/${f.prefix} dev ${f.peer} noprefixroute`, `link set dev ${f.peer} up`, `route add ${f.address}/32 dev ${f.peer}`);
      } else sw.push(`link set dev ${f.peer} up`);
    }
  }

  const hostCommands = lab.hosts.map((h) => ({ namespace: h.name, commands: hostBatch(h, quiet) }));

  const sysctls: Plan["sysctls"] = [];
  for (const h of lab.hosts) {
    const values: Record<string, string> = {};
    if (options.igmpVersion) values["net.ipv4.conf.all.force_igmp_version"] = String(options.igmpVersion);
    for (const [k, v] of Object.entries(options.sysctls ?? {})) values[k] = String(v);
    if (h.spec.forwarding) values["net.ipv4.ip_forward"] = "1";
    // A multicast router as a real one is set: strict reverse-path filtering
    // (the lab's unicast routes lead back to every sender, so it passes).
    if (h.spec.multicastRoutes?.length) Object.assign(values, { "net.ipv4.conf.all.rp_filter": "1", "net.ipv4.conf.default.rp_filter": "1" });
    for (const [k, v] of Object.entries(h.spec.sysctls ?? {})) values[k] = String(v);
    if (Object.keys(values).length > 0) sysctls.push({ namespace: h.name, values });
  }

  const names = lab.hosts.filter((h) => h.address).map((h) => `${h.address}\t${h.name}`);
  const hostsFile = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", ...names].join("\n") + "\n";
  const routers = lab.hosts.filter(isRouter).map(routerConf);
  return { namespaces: lab.namespaces, hosts: lab.hosts.map((h) => h.name), switch: sw, hostCommands, sysctls, hostsFile, routers };
}

/**
 * A router's network namespace, owned by a user namespace of its own that maps
 * the lab's user to root. smcrouted (like pimd) refuses to start unless
 * geteuid() is 0: it checks the uid, not its capabilities. In a lab run as
 * you, the lab's user namespace maps you to yourself (tcpdump needs that), so
 * smcrouted joins this one instead, where you are 0 and hold every capability
 * over the router's namespace, which the lab's own processes still hold too
 * (they are in the parent user namespace, as its owner). As root it is the
 * same, with root mapped to root. A holder process makes both namespaces;
 * `ip netns attach` names the network one; the holder ends once every
 * router's daemon has joined (the daemon then keeps the namespaces alive).
 */
function routerNamespace(r: Plan["routers"][number]): { start: string[]; attach: string[]; holder: string } {
  const holder = `holder_${r.host.replace(/-/g, "_")}`;
  const fifo = `/run/netns-${r.host}.ready`;
  // The holder writes its PID to a FIFO once it runs in its new namespaces
  // (unshare writes the uid map before it starts the command), or "failed"
  // if unshare could not make them: the read blocks until one or the other,
  // with no polling.
  const inner = `echo $$ > ${fifo}; exec sleep 30`;
  const outer = `unshare --user --map-root-user --net sh -c ${shellQuote(inner)} || echo failed > ${fifo}`;
  return {
    holder,
    start: [`mkfifo ${fifo}`, `sh -c ${shellQuote(outer)} < /dev/null &`],
    attach: [
      `read -r ${holder} < ${fifo}`,
      `rm ${fifo}`,
      `case "$${holder}" in ''|*[!0-9]*) echo "the namespaces of router ${r.host} could not be made (unshare --user --map-root-user --net)" >&2; exit 4;; esac`,
      `ip netns attach ${r.host} $${holder}`,
    ],
  };
}

/**
 * Start a router's smcrouted in its namespaces (see routerNamespace), a child
 * of the lab's first process (so it ends with the lab), and wait, 5 s at most
 * (polling every 10 ms), until it has made a multicast interface (VIF) of each
 * interface its routes use.
 */
function routerScript(r: Plan["routers"][number], holder: string): { start: string[]; wait: string[] } {
  const base = `/run/smcroute-${r.host}`;
  const ns = `nsenter --net=/run/netns/${r.host}`;
  // --preserve-credentials: no setuid or setgroups (the new user namespace
  // forbids setgroups); your uid is already its 0.
  const daemon = `nsenter --preserve-credentials --user=/proc/$${holder}/ns/user --net=/run/netns/${r.host} smcrouted -n -N -i ${r.host} -f ${base}.conf -u ${base}.sock -P ${base}.pid -l notice`;
  const pid = `smcrouted_${r.host.replace(/-/g, "_")}`;
  // /proc/net/ip_mr_vif: a header line, then one line per VIF.
  const ready = `[ "$(${ns} cat /proc/net/ip_mr_vif | wc -l)" -gt ${r.interfaces.length} ]`;
  return {
    start: [`printf %s ${shellQuote(r.conf)} > ${base}.conf`, `${daemon} > ${base}.log 2>&1 < /dev/null &`, `${pid}=$!`],
    wait: [
      "n=0",
      `until ${ready}; do`,
      `  if ! kill -0 $${pid} 2>/dev/null || [ $n -ge 500 ]; then echo "smcrouted on ${r.host} did not start: $(cat ${base}.log)" >&2; exit 4; fi`,
      "  n=$((n + 1)); sleep 0.01",
      "done",
    ],
  };
}

/** A router's smcroute.conf: every interface its routes use enabled (with its TTL threshold), then the routes. */
function routerConf(h: ResolvedHost): { host: string; conf: string; interfaces: string[] } {
  const routes = h.spec.multicastRoutes ?? [];
  const used = h.interfaces.map((f) => f.name).filter((name) => routes.some((r) => r.from === name || r.to.includes(name)));
  const lines = used.map((name) => `phyint ${name} enable ttl-threshold ${h.spec.ttlThresholds?.[name] ?? 1}`);
  for (const r of routes) lines.push(`mroute from ${r.from}${r.source ? ` source ${r.source}` : ""} group ${r.group} to ${r.to.join(" ")}`);
  return { host: h.name, conf: lines.join("\n") + "\n", interfaces: used };
}

/** The bridge's querier timers, which iproute2 takes in hundredths of a second. */
function querierTimers(bridge: string, q: ResolvedQuerier): string {
  const cs = (seconds: number) => String(Math.round(seconds * 100));
  return [
    `link set dev ${bridge} type bridge`,
    `mcast_igmp_version ${q.igmpVersion}`,
    // The queries come from the bridge's address (q.address), not 0.0.0.0.
    "mcast_query_use_ifaddr 1",
    `mcast_query_interval ${cs(q.queryIntervalS)}`,
    `mcast_query_response_interval ${cs(q.queryResponseIntervalS)}`,
    `mcast_membership_interval ${cs(q.membershipIntervalS)}`,
    `mcast_querier_interval ${cs(q.otherQuerierIntervalS)}`,
    `mcast_last_member_interval ${cs(q.lastMemberIntervalS)}`,
    `mcast_last_member_count ${q.robustness}`,
    `mcast_startup_query_count ${q.robustness}`,
    `mcast_startup_query_interval ${cs(q.startupQueryIntervalS)}`,
  ].join(" ");
}

function hostBatch(h: ResolvedHost, quiet: (dev: string) => string[]): string[] {
  const commands = ["link set dev lo up"];
  for (const f of h.interfaces) {
    commands.push(...quiet(f.name), `addr add ${f.address}/${f.prefix} dev ${f.name}`, `link set dev ${f.name} up`);
  }
  // Routes last: a next hop must already be on a connected network.
  if (h.spec.defaultRoute) commands.push(`route add default via ${h.spec.defaultRoute}`);
  for (const r of h.spec.routes ?? []) {
    commands.push(`route add ${r.to}${r.via ? ` via ${r.via}` : ""}${r.dev ? ` dev ${r.dev}` : ""}`);
  }
  return commands;
}

/** The plan as the commands one would type (in the switch namespace), for a reader. */
export function planText(plan: Plan): string {
  const out: string[] = [];
  for (const r of plan.routers) out.push(`unshare --user --map-root-user --net sleep 30 &   # ${r.host}'s namespaces: there, you are root`, `ip netns attach ${r.host} $!`);
  out.push(...plan.switch.map((c) => `ip ${c}`));
  for (const { namespace, commands } of plan.hostCommands) out.push(...commands.map((c) => `ip -n ${namespace} ${c}`));
  for (const { namespace, values } of plan.sysctls) {
    for (const [k, v] of Object.entries(values)) out.push(`ip netns exec ${namespace} sysctl -w ${k}=${v}`);
  }
  for (const r of plan.routers) out.push(`nsenter --preserve-credentials --user=/proc/HOLDER/ns/user --net=/run/netns/${r.host} smcrouted -n -N -i ${r.host} -f smcroute-${r.host}.conf &`);
  return out.join("\n");
}

/**
 * The shell script the lab's first process (PID 1 of its pid namespace) runs:
 * its own /run, the plan, a line saying the lab is built, then the supervisor
 * (its argv). The supervisor starts only then because, started at once beside
 * `ip`, it made the build 4 ms slower (of 17) even with nothing to run; the
 * owner's first command waits the 10 ms it takes instead. The owner sends no
 * command before the built line. The shell stays PID 1, waiting for the
 * supervisor, rather than exec'ing it: it reaps orphaned processes, which the
 * supervisor does not, and when the supervisor ends the lab ends.
 */
export function planScript(plan: Plan, supervisor: string[]): string {
  // A tmpfs on /run: `ip netns` needs /run/netns, the lab needs a place for
  // its files, and both vanish with the lab's mount namespace.
  const s: string[] = ["set -e", "mount -t tmpfs -o mode=0755,size=4m mcast-lab /run"];
  // Routers' namespaces first: the switch's batch moves links into them.
  const namespaces = plan.routers.map(routerNamespace);
  for (const r of namespaces) s.push(...r.start);
  for (const r of namespaces) s.push(...r.attach);
  s.push(heredoc("ip -batch -", plan.switch));
  s.push("pids=");
  for (const { namespace, commands } of plan.hostCommands) {
    const sysctl = plan.sysctls.find((x) => x.namespace === namespace);
    const writes = Object.entries(sysctl?.values ?? {}).map(([k, v]) => `printf %s ${shellQuote(v)} > /proc/sys/${k.replace(/\./g, "/")}`);
    s.push("{", heredoc(`ip -n ${namespace} -batch -`, commands));
    if (writes.length > 0) s.push(`nsenter --net=/run/netns/${namespace} sh -c ${shellQuote(writes.join(" && "))}`);
    s.push("} &", 'pids="$pids $!"');
  }
  s.push("failed=", 'for p in $pids; do wait $p || failed=1; done', 'if [ -n "$failed" ]; then exit 3; fi');
  // Every router's daemon first, then the waits: they start side by side.
  const routers = plan.routers.map((r, i) => routerScript(r, namespaces[i].holder));
  for (const r of routers) s.push(...r.start);
  for (const r of routers) s.push(...r.wait);
  // Every daemon holds its namespaces now (it passed its wait): the holders can go.
  if (namespaces.length > 0) s.push(`kill ${namespaces.map((r) => `$${r.holder}`).join(" ")}`, `wait ${namespaces.map((r) => `$${r.holder}`).join(" ")} || true`);
  s.push(`echo '{"ev":"built"}'`);
  // A background job's stdin would be /dev/null: hand it the owner's pipe.
  s.push("exec 3<&0", `${supervisor.map(shellQuote).join(" ")} <&3 3<&- &`, "supervisor=$!", "exec 3<&-", "wait $supervisor");
  return s.join("\n") + "\n";
}

function heredoc(command: string, lines: string[]): string {
  return `${command} <<'MCAST_LAB_EOF'\n${lines.join("\n")}\nMCAST_LAB_EOF`;
}


