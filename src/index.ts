/**
 * mcast-lab: IPv4 multicast, live. This is everything `mc.` holds in a
 * notebook (`import * as mc from "mcast-lab"`), by topic in the order the
 * course meets them: showing results in a cell; addresses (IPv4 numbers, CIDR,
 * the multicast blocks, group MACs); sockets on this machine (send, receive,
 * ip_mreq); the virtual lab (a topology as data, hosts that run commands,
 * send, receive and call your functions); capture (tcpdump in a host, pcap,
 * the dissector); delivery experiments; and the homework checks.
 *
 * @packageDocumentation
 */
// The package's entry is course.ts, which loads this file. Named exports
// only; what is not listed here is the module's own business.

// --- In a notebook: figures, tables, the machine's readiness, claims ------
export { show, table, pre, plot, render } from "./util/display";
export type { Shown, Row, TableOptions } from "./util/display";
export { preflight } from "./notebook/preflight";
export type { Check } from "./notebook/preflight";
export { claim } from "./notebook/claim";
export { lang } from "./i18n/lang";
export type { Lang } from "./i18n/lang";
export { ArgumentError } from "./util/errors";

// --- Addresses: IPv4 numbers, CIDR, the multicast blocks, group MACs ------
export { parseIPv4, formatIPv4, addressNumber, binary } from "./addresses/address";
export type { IPv4 } from "./addresses/address";
export { prefixMask, cidrOf, formatCidr } from "./addresses/cidr";
export type { Cidr, ContainsRow } from "./addresses/cidr";
export { isMulticast, isLinkLocalGroup, describe, blockOf, MULTICAST_BLOCKS } from "./addresses/blocks";
export type { MulticastBlock, Description } from "./addresses/blocks";
export { parseMac, formatMac } from "./addresses/mac";
export type { MacRow } from "./addresses/mac";
export { addressSpaceFigure, groupMacBitsFigure } from "./addresses/figures";

// --- Sockets on this machine: send, receive, the bytes of ip_mreq --------
export { send } from "./sockets/send";
export type { SendOptions, SendResult } from "./sockets/send";
export type { ReceiveOptions, ReceiveResult, Datagram, WaitOptions, Receiver } from "./sockets/receive";
export { localAddresses } from "./sockets/interfaces";
export type { LocalAddress } from "./sockets/interfaces";
export { mreqRows } from "./sockets/mreq";
export type { MreqRow } from "./sockets/mreq";

// --- The virtual lab: a topology as data, brought up in namespaces -------
export { up, down, currentLab } from "./lab/up";
export { Lab } from "./lab/lab";
export { LabError } from "./lab/lab-error";
export type { UpOptions, ImpairedLink } from "./lab/lab";
export type { ImpairSpec, ImpairDrops } from "./lab/impair";
export { Host, CommandError } from "./lab/host";
export type { Receiving, Calling, CallResult, CallOptions, LabSendOptions, LabSendResult, LabReceiveOptions, LabReceiveResult } from "./lab/host";
export { Run } from "./lab/command";
export type { RunOptions, RunResult } from "./lab/command";
export { lectureTopology, routedTopology, snoopingTopology, twoNetworkTopology } from "./lab/topology";
export { topologyRows, checkTopology } from "./lab/resolve-topology";
export type { Topology, NetworkSpec, QuerierSpec, HostSpec, InterfaceSpec, RouteSpec, MulticastRouteSpec } from "./lab/topology";
export { transcript } from "./lab/transcript";
export { lectureDemonstration } from "./lab/demonstration";
export type { Programs, DemonstrationRow } from "./lab/demonstration";
export type { AddressRow, RouteRow, GroupRow, MdbRow, UdpCounters, UdpSocketRow } from "./lab/views";

// --- Capture: tcpdump in a host, pcap files, the dissector ---------------
export { sniff, waitForQuiet } from "./capture/sniff";
export type { SniffOptions, SniffResult, Sniffing, QuietOptions } from "./capture/sniff";
export { watchCall } from "./capture/watch";
export type { Watched, WatchOptions } from "./capture/watch";
export { readPcap, writePcap } from "./capture/pcap";
export type { PcapFile, PcapHeader, PcapRecord, PcapWriteOptions } from "./capture/pcap";
export { dissect, readPackets } from "./capture/dissect";
export type { Packet, DissectOptions } from "./capture/dissect";
export { Layer } from "./capture/layer";
export { hexdump } from "./capture/hexdump";
export { packetKind, PACKET_KINDS } from "./capture/kind";
export type { PacketKind } from "./capture/kind";
export type { Membership } from "./capture/memberships";
export { captureFigure } from "./capture/figure";
export { recordSources } from "./capture/igmp";
export type { CaptureFigureOptions } from "./capture/figure";
export { ipv4Frame, udpFrame, igmpFrame, igmpV3Query, igmpV3Report } from "./capture/build";
export type { FrameSpec, UdpSpec, V3QuerySpec, GroupRecordSpec } from "./capture/build";
export { LECTURE_HEXDUMP, LECTURE_FRAME, LECTURE_SUMMARY } from "./capture/lecture";

// --- Delivery experiments: many datagrams, counted and plotted -----------
export type { ExperimentOptions } from "./experiment/realize";
export { checkExperiment, describeRows } from "./experiment/description";
export type { Experiment, SenderSpec, ReceiverSpec } from "./experiment/description";
export { DeliveryResult, toCSV } from "./experiment/results";
export type { DeliveryRow, SenderRow, ReceiverDetail, ImpairmentRow } from "./experiment/results";
export { matrixFigure, timelineFigure, latencyFigure, lossFigure } from "./experiment/figures";
export type { FigureOptions } from "./experiment/figures";
export type { SweepOptions, SweepRow } from "./experiment/sweep";

// --- The lessons' own experiments (notebook 5's interface choice) --------
export { routeTable, withRoutes } from "./lessons/interface-experiment";
export type { RouteEntry, InterfaceRun, InterfaceRunOptions } from "./lessons/interface-experiment";
export { whoHears, LECTURE_JOINS } from "./lessons/who-hears";
export { querierInCharge, timeLeave, queryAnswers, timeSilence } from "./lessons/snooping";
export { reachFigure, withThresholds, mroutes, forgedSend } from "./lessons/routing";
export type { ReachRow, TtlReachOptions, MrouteRow, ForgedSendOptions, ForgedSendResult } from "./lessons/routing";
export type { LeaveTiming, QueryAnswer, QueryAnswersOptions, SilenceTiming } from "./lessons/snooping";
export type { WhoHearsOptions, HearingRow, Join } from "./lessons/who-hears";

// --- Homework: the check cells' mc.check, and what exercises hand out ----
export { check, hiddenCases } from "./homework/check";
export { ExerciseLocked } from "./homework/lock";
export { PUZZLE as deliveryPuzzle } from "./homework/exercises/delivery";
export type { DeliveryMatrix } from "./homework/exercises/delivery";
export type { CapturePlan, CaptureScenario } from "./homework/exercises/interface";

// --- The module's own answers to exercises -------------------------------
// The same functions as in their files, locked while a student's answer runs
// under that exercise's check (see homework/lock.ts), so an answer cannot
// hand the check the module's own result.
import { lockable } from "./homework/lock";
import * as cidr from "./addresses/cidr";
import * as mreq from "./sockets/mreq";
import * as mac from "./addresses/mac";
import * as receiving from "./sockets/receive";
import * as probe from "./lessons/loopback-probe";
import * as members from "./capture/memberships";
import * as runExperiment from "./experiment/realize";
import * as sweep from "./experiment/sweep";
import * as interfaces from "./lessons/interface-experiment";
import * as capturePlans from "./homework/exercises/interface";
import * as routing from "./lessons/routing";
/** Is the address in the range? Literally (address AND mask) === network. @function */
export const contains = lockable("contains", cidr.contains);
/** The bit-by-bit table behind contains(): address, mask, AND, network. @function */
export const explainContains = lockable("explainContains", cidr.explainContains);
/** Parse "a.b.c.d/n" into network, prefix, mask and broadcast. @function */
export const parseCidr = lockable("parseCidr", cidr.parseCidr);
/** The Ethernet destination of a group: 01:00:5e and its low 23 bits. @function */
export const groupToMac = lockable("groupToMac", mac.groupToMac);
/** The bit-by-bit table behind groupToMac(). @function */
export const explainGroupToMac = lockable("explainGroupToMac", mac.explainGroupToMac);
/** The 32 groups that share one group MAC. @function */
export const macToGroups = lockable("macToGroups", mac.macToGroups);
/** Join a group on an interface and wait for one datagram, or until the timeout. @function */
export const receive = lockable("receive", receiving.receive);
/** Join a group and keep the socket open: a Receiver to wait on and close. @function */
export const openReceiver = lockable("openReceiver", receiving.openReceiver);
/** Join a group and collect every datagram that arrives for a while. @function */
export const listen = lockable("listen", receiving.listen);
/** Which of several receivers on 127.0.0.1 get one datagram (notebook 2's probe). @function */
export const whoReceives = lockable("whoReceives", probe.whoReceives);
/** (host, group) pairs that joined, from a capture's IGMP reports. @function */
export const joinedPairs = lockable("joinedPairs", members.joinedPairs);
/** Every membership change a capture's IGMP reports announce, in order. @function */
export const memberships = lockable("memberships", members.memberships);
/** Run a delivery experiment in a lab and count what each receiver got. @function */
export const experiment = lockable("experiment", runExperiment.experiment);
/** Loss against sending rate and receive buffer: one experiment per pair. @function */
export const lossSweep = lockable("lossSweep", sweep.lossSweep);
/** Notebook 5's run: capture both interfaces while a host joins and midwood sends. @function */
export const interfaceExperiment = lockable("interfaceExperiment", interfaces.interfaceExperiment);
/** Where the IGMP report left and where the datagram arrived, from a capture. @function */
export const reportAndDatagram = lockable("reportAndDatagram", interfaces.reportAndDatagram);
/** The route a lookup picks: the longest prefix holding the address. @function */
export const longestMatch = lockable("longestMatch", interfaces.longestMatch);
/** The interface the kernel itself joins a group on when told INADDR_ANY. @function */
export const kernelJoinInterface = lockable("kernelJoinInterface", interfaces.kernelJoinInterface);
/** The 8 bytes of struct ip_mreq for a group and an interface address. @function */
export const ipMreq = lockable("ipMreq", mreq.ipMreq);
/** Run a capture plan in a lab and show what it caught. @function */
export const runCapturePlan = lockable("runCapturePlan", capturePlans.runCapturePlan);
/** Send a datagram for each TTL while every network captures: how far each got, and with which TTL. @function */
export const ttlReach = lockable("ttlReach", routing.ttlReach);
