// The English notebooks, run as a student runs them, solutions and broken
// answers each scored by nbgrader's rule (the stubs: site.test.ts); see
// edition-suite.ts.
import { NOTEBOOKS } from "../scripts/jupyter";
import { describe } from "node:test";
import { editionSuite } from "./edition-suite";

// A describe of this file's own, so that the suite's time table (test-phases.ts) has a row for it, not one for edition-suite.ts.
describe("the English edition, notebooks/", () => editionSuite({ dir: NOTEBOOKS, busy: true, broken: true }));
