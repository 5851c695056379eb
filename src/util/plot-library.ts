// Observable Plot, loaded on first use rather than on import: requiring it
// (an ES module, through require(esm)) costs ~130 ms, and jsdom, which draws
// its figures, ~700 ms more; a notebook's first cell should not wait for
// figures it does not draw. `Plot.dot(...)` reads exactly as with
// `import * as Plot from "@observablehq/plot"`.
import type * as PlotModule from "@observablehq/plot";

let loaded: typeof PlotModule | undefined;

/** The Plot module, required the first time one of its functions is read. */
export const Plot = new Proxy({} as typeof PlotModule, {
  get: (_, name) => (loaded ??= require("@observablehq/plot") as typeof PlotModule)[name as keyof typeof PlotModule],
});
