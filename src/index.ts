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
