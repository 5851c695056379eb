// The Korean edition (notebooks/ko/, made by npm run editions), run as a
// student runs it: its solutions get full points from the same checks (its
// stubs, which say 아직입니다, are checked in site.test.ts). See edition-suite.ts.
import { join } from "node:path";
import { NOTEBOOKS } from "../scripts/jupyter";
import { describe } from "node:test";
import { editionSuite } from "./edition-suite";

describe("the Korean edition, notebooks/ko/", () => editionSuite({ dir: join(NOTEBOOKS, "ko"), busy: false, broken: false }));
