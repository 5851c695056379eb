// mcast-lab: the module the notebooks import as "./mcast/index" (notebooks/mcast links to src/;
// tslab resolves no folder index, hence the explicit "/index").
// Each file holds one idea; this file only gathers them.
export * from "./errors";
export * from "./display";
export * from "./preflight";
export * from "./homework";
export * from "./address";
export * from "./cidr";
export * from "./blocks";
export * from "./mac";
export * from "./interfaces";
export * from "./send";
export * from "./receive";
export * from "./address-figures";
export * from "./loopback-probe";
// The virtual lab: named exports, since its files hold internals (plan, wire).
export { up, down, currentLab, Lab, LabError } from "./lab/lab";
export type { UpOptions } from "./lab/lab";
export { Host, CommandError } from "./lab/host";
export type { Receiving, LabSendOptions, LabSendResult, LabReceiveOptions, LabReceiveResult } from "./lab/host";
export { Run } from "./lab/run";
export type { RunOptions, RunResult } from "./lab/run";
export { lectureTopology, topologyRows, checkTopology } from "./lab/topology";
export type { Topology, NetworkSpec, HostSpec, InterfaceSpec, RouteSpec } from "./lab/topology";
export { transcript } from "./lab/transcript";
export type { AddressRow, RouteRow, GroupRow, UdpCounters } from "./lab/views";
// Capture and dissection.
export * from "./capture/pcap";
export * from "./capture/dissect";
export * from "./capture/build";
export * from "./capture/lecture";
export * from "./capture/memberships";
export * from "./capture/kind";
export * from "./capture/figure";
export * from "./capture/sniff";
export * from "./capture/hexdump";
export * from "./interface-exercise";
export * from "./random";
// Delivery experiments: many datagrams, several receivers and groups, counted and plotted.
export { experiment } from "./experiment/run";
export type { ExperimentOptions } from "./experiment/run";
export { checkExperiment, describeRows } from "./experiment/describe";
export type { Experiment, SenderSpec, ReceiverSpec } from "./experiment/describe";
export { DeliveryResult, toCSV } from "./experiment/results";
export type { DeliveryRow, SenderRow, ReceiverDetail } from "./experiment/results";
export { matrixFigure, timelineFigure, latencyFigure, lossFigure } from "./experiment/figures";
export type { FigureOptions } from "./experiment/figures";
export { lossSweep } from "./experiment/sweep";
export type { SweepOptions, SweepRow } from "./experiment/sweep";
export { predictionCases } from "./experiment/predict";
export type { DeliveryMatrix } from "./experiment/predict";
