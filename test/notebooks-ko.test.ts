// The Korean edition (notebooks/ko/, made by npm run editions), run as a
// student runs it: its stubs score 0 and say so in Korean, its solutions get
// full points from the same checks. See edition-suite.ts.
import { join } from "node:path";
import { NOTEBOOKS } from "../scripts/jupyter";
import { editionSuite } from "./edition-suite";

editionSuite({ dir: join(NOTEBOOKS, "ko"), notYet: /아직입니다/, busy: false, broken: false });
