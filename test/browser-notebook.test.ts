// The course in the classic Notebook, in headless Chromium (see browser-course.ts).
import { CLASSIC_NOTEBOOK } from "../scripts/browser/front-ends";
import { describe } from "node:test";
import { courseInBrowser, skip, suiteName } from "./browser-course";

describe(suiteName(CLASSIC_NOTEBOOK), { skip }, () => courseInBrowser(CLASSIC_NOTEBOOK));
