// Checking a prediction against what really happens: a student predicts how
// many of each group's datagrams every receiver gets; the check runs the
// experiment once (with its deadline) and compares, one case per receiver.
import type { Case } from "../homework";
import { ArgumentError } from "../errors";
import { checkExperiment, Experiment } from "./describe";
import { DeliveryResult } from "./results";
import { experiment, LabLike } from "./run";

/** { receiver: { group: datagrams received } }, e.g. { flatbush: { "224.1.1.5": 300, "234.3.2.1": 0 } }. */
export type DeliveryMatrix = Record<string, Record<string, number>>;

/**
 * Cases for mc.check(): one per receiver, each comparing the predicted row
 * with the measured one. A group left out of a predicted row counts as 0; a
 * receiver left out fails. A measured count may fall short of the truth by
 * the datagrams the receiving kernel dropped (RcvbufErrors) on a busy machine.
 */
export function predictionCases(lab: LabLike, description: Experiment, predict: () => unknown): Case[] {
  const d = checkExperiment(description, "description");
  if (typeof predict !== "function") throw new ArgumentError("predict", predict, "a function that returns the predicted matrix");
  const timeoutMs = d.deadlineMs + 5000;
  let measured: Promise<DeliveryResult> | undefined;
  const measure = () => (measured ??= experiment(lab, description, { progress: false }));
  const groups = [...new Set(d.senders.map((s) => s.group))];
  return d.receivers.map((r, i): Case => ({
    name: `what ${r.name} (joined ${r.group}${r.on ? ` on ${r.on}` : ""}) gets of ${groups.join(" and ")}`,
    timeoutMs: i === 0 ? timeoutMs : 5000,
    run: async () => {
      const result = await measure();
      const prediction = predict() as DeliveryMatrix | undefined;
      const row = prediction !== null && typeof prediction === "object" ? prediction[r.name] : undefined;
      return { predicted: row, result };
    },
    test: (actual) => {
      const { predicted, result } = actual as { predicted: unknown; result: DeliveryResult };
      const measuredRow = result.matrix()[r.name] ?? {};
      if (predicted === undefined) return `no prediction for ${r.name}: add ${JSON.stringify(r.name)}: { ... } to what predictDelivery() returns`;
      if (typeof predicted !== "object" || predicted === null) return `the prediction for ${r.name} must be an object of group: count, got ${JSON.stringify(predicted)}`;
      const wrong: string[] = [];
      for (const g of groups) {
        const p = (predicted as Record<string, unknown>)[g] ?? 0;
        const row = result.rows.find((x) => x.receiver === r.name && x.group === g)!;
        const m = measuredRow[g] ?? 0;
        // Loss the receiving kernel counted does not make a right prediction wrong.
        const slack = row.joined && row.rcvbufErrors ? row.rcvbufErrors : 0;
        if (typeof p !== "number" || p < m || p > m + slack) wrong.push(`${g}: you said ${JSON.stringify(p)} of ${row.sent}, the lab says otherwise`);
      }
      return wrong.length === 0 ? true : wrong.join("; ");
    },
  }));
}
