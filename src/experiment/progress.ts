// A line in the cell that updates in place while something runs (tslab's
// newDisplay(): one output, overwritten). Outside a kernel it shows nothing:
// tests and scripts get the result, not a ticker.
import { inKernel } from "../util/display";

export interface Progress {
  /** Replace the line (at most every `everyMs`; the last call always shows at done()). */
  update(text: string): void;
  /** Show the final text now. */
  done(text: string): void;
}

type TslabDisplay = { text(s: string): void; html(s: string): void };

/** A live line in the running cell, or a silent one outside a kernel. */
export function progressLine(everyMs = 150): Progress {
  let display: TslabDisplay | undefined;
  if (inKernel()) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      display = (require("tslab") as { newDisplay(): TslabDisplay }).newDisplay();
    } catch {
      display = undefined;
    }
  }
  let shownAt = 0;
  let pending: string | undefined;
  const show = (text: string) => {
    pending = undefined;
    shownAt = Date.now();
    try {
      display?.text(text);
    } catch {
      // The cell already ended ("Not ready"): nothing to update any more.
      display = undefined;
    }
  };
  return {
    update(text) {
      if (!display) return;
      if (Date.now() - shownAt >= everyMs) show(text);
      else pending = text;
    },
    done(text) {
      if (!display) return;
      show(pending !== undefined && text === "" ? pending : text);
    },
  };
}
