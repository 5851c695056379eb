// mcast-lab: the module the notebooks import as "./mcast/index" (notebooks/mcast links to src/;
// tslab resolves no folder index, hence the explicit "/index").
// Each file holds one idea; this file only gathers them.
export * from "./util/errors";
export * from "./util/display";
export * from "./notebook/claim";
export * from "./notebook/preflight";
export * from "./addresses/address";
export * from "./addresses/cidr";
export * from "./addresses/blocks";
export * from "./addresses/mac";
export * from "./sockets/interfaces";
export * from "./sockets/send";
export * from "./sockets/receive";
export { mreqRows } from "./sockets/mreq";
export type { MreqRow } from "./sockets/mreq";
export * from "./addresses/figures";
export * from "./lessons/loopback-probe";
// The virtual lab: named exports, since its files hold internals (plan, wire).
export { up, down, currentLab, Lab, LabError } from "./lab/lab";
export type { UpOptions } from "./lab/lab";
export { Host, CommandError } from "./lab/host";
export type { Receiving, Calling, CallResult, CallOptions, LabSendOptions, LabSendResult, LabReceiveOptions, LabReceiveResult } from "./lab/host";
export { Run } from "./lab/command";
export type { RunOptions, RunResult } from "./lab/command";
export { lectureTopology, topologyRows, checkTopology } from "./lab/topology";
export type { Topology, NetworkSpec, HostSpec, InterfaceSpec, RouteSpec } from "./lab/topology";
export { transcript } from "./lab/transcript";
export { lectureDemonstration } from "./lab/demonstration";
export type { Programs, DemonstrationRow } from "./lab/demonstration";
export type { AddressRow, RouteRow, GroupRow, UdpCounters, UdpSocketRow } from "./lab/views";
// Capture and dissection.
export * from "./capture/pcap";
export * from "./capture/dissect";
export * from "./capture/build";
export * from "./capture/lecture";
export * from "./capture/memberships";
export * from "./capture/kind";
export * from "./capture/figure";
export * from "./capture/sniff";
export { watchCall } from "./capture/watch";
export type { Watched, WatchOptions } from "./capture/watch";
export * from "./capture/hexdump";
export * from "./lessons/interface-experiment";
export * from "./util/random";
// Delivery experiments: many datagrams, several receivers and groups, counted and plotted.
export type { ExperimentOptions } from "./experiment/realize";
export { checkExperiment, describeRows } from "./experiment/describe";
export type { Experiment, SenderSpec, ReceiverSpec } from "./experiment/describe";
export { DeliveryResult, toCSV } from "./experiment/results";
export type { DeliveryRow, SenderRow, ReceiverDetail } from "./experiment/results";
export { matrixFigure, timelineFigure, latencyFigure, lossFigure } from "./experiment/figures";
export type { FigureOptions } from "./experiment/figures";
export type { SweepOptions, SweepRow } from "./experiment/sweep";
// Homework: the check cells' mc.check, and the exercises' own helpers.
export { check, hiddenCases } from "./homework/check";
export { ExerciseLocked } from "./homework/lock";
export { PUZZLE as deliveryPuzzle } from "./homework/exercises/delivery";
export type { DeliveryMatrix } from "./homework/exercises/delivery";
export type { CapturePlan, CaptureScenario } from "./homework/exercises/interface";
export type { RouteEntry } from "./lessons/interface-experiment";

// The module's own answers to exercises: the same functions, locked while a
// student's answer runs under that exercise's check (see homework/lock.ts).
// These names win over the same names of the `export *` lines above.
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
export const contains = lockable("contains", cidr.contains);
export const explainContains = lockable("explainContains", cidr.explainContains);
export const parseCidr = lockable("parseCidr", cidr.parseCidr);
export const groupToMac = lockable("groupToMac", mac.groupToMac);
export const explainGroupToMac = lockable("explainGroupToMac", mac.explainGroupToMac);
export const macToGroups = lockable("macToGroups", mac.macToGroups);
export const receive = lockable("receive", receiving.receive);
export const openReceiver = lockable("openReceiver", receiving.openReceiver);
export const listen = lockable("listen", receiving.listen);
export const whoReceives = lockable("whoReceives", probe.whoReceives);
export const joinedPairs = lockable("joinedPairs", members.joinedPairs);
export const memberships = lockable("memberships", members.memberships);
export const experiment = lockable("experiment", runExperiment.experiment);
export const lossSweep = lockable("lossSweep", sweep.lossSweep);
export const interfaceExperiment = lockable("interfaceExperiment", interfaces.interfaceExperiment);
export const reportAndDatagram = lockable("reportAndDatagram", interfaces.reportAndDatagram);
export const longestMatch = lockable("longestMatch", interfaces.longestMatch);
export const kernelJoinInterface = lockable("kernelJoinInterface", interfaces.kernelJoinInterface);
export const ipMreq = lockable("ipMreq", mreq.ipMreq);
export const runCapturePlan = lockable("runCapturePlan", capturePlans.runCapturePlan);
