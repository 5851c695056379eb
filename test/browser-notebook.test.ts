// The course in the classic Notebook, in headless Chromium (see browser-course.ts).
import { CLASSIC_NOTEBOOK } from "../scripts/browser/front-ends";
import { courseInBrowser } from "./browser-course";

courseInBrowser(CLASSIC_NOTEBOOK);
