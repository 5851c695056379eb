// The English notebooks, run as a student runs them, stubs, solutions and
// broken answers each scored by nbgrader's rule: see edition-suite.ts.
import { NOTEBOOKS } from "../scripts/jupyter";
import { editionSuite } from "./edition-suite";

editionSuite({ dir: NOTEBOOKS, notYet: /not yet/, busy: true, broken: true });
