// Debian's Chromium, headless, driven by playwright-core (loaded from the lab
// app's node_modules: it is test tooling, not a course dependency). No
// browser is ever downloaded. The flags keep a machine without outside
// network quiet: no first-run, sync, component updates or background traffic.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM, LabApp, requirePlaywright } from "../lab-frontend";
import { killProcessesMentioning } from "./servers";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The parts of playwright-core's API the browser test uses. */
export interface Locator {
  click(options?: { timeout?: number }): Promise<void>;
  dblclick(options?: { timeout?: number }): Promise<void>;
  last(): Locator;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  innerText(options?: { timeout?: number }): Promise<string>;
  first(): Locator;
  nth(index: number): Locator;
  count(): Promise<number>;
  textContent(options?: { timeout?: number }): Promise<string | null>;
  waitFor(options?: { state?: "attached" | "visible" | "hidden" | "detached"; timeout?: number }): Promise<void>;
  press(key: string): Promise<void>;
}

export interface Page {
  goto(url: string, options?: { timeout?: number; waitUntil?: string }): Promise<unknown>;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A, options?: { timeout?: number; polling?: number }): Promise<unknown>;
  waitForTimeout(ms: number): Promise<void>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  keyboard: { press(key: string): Promise<void>; insertText(text: string): Promise<void> };
  on(event: "console", listener: (message: { type(): string; text(): string }) => void): void;
  on(event: "pageerror", listener: (error: Error) => void): void;
  on(event: "request", listener: (request: { url(): string }) => void): void;
  on(event: "response", listener: (response: { status(): number; url(): string; request(): { method(): string } }) => void): void;
  close(): Promise<void>;
  setDefaultTimeout(ms: number): void;
}

/** Every Playwright action on a page (a click, a screenshot, a wait) gives up after this. */
export const ACTION_TIMEOUT_MS = 60_000;

interface BrowserContext {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

interface Playwright {
  chromium: {
    launchPersistentContext(userDataDir: string, options: Record<string, unknown>): Promise<BrowserContext>;
  };
}

export const VIEWPORT = { width: 1280, height: 900 };

export interface PageLog {
  consoleErrors: string[];
  /** "STATUS METHOD PATH" of every response with a status of 400 or more. */
  failedRequests: string[];
}

export interface Browser {
  /** A fresh tab; the browser's console errors and failed requests (status 400 and up) are kept for checks and failure messages. */
  newPage(): Promise<Page & PageLog>;
  close(): Promise<void>;
}

export async function launchChromium(app: LabApp): Promise<Browser> {
  const { chromium } = requirePlaywright(app) as Playwright;
  const userDataDir = mkdtempSync(join(tmpdir(), "mcast-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: VIEWPORT,
      timeout: 60_000,
    });
  } catch (err) {
    await killProcessesMentioning(userDataDir);
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`Chromium (${CHROMIUM}) did not start: ${(err as Error).message}`);
  }
  let closed = false;
  return {
    async newPage() {
      const page = (await context.newPage()) as Page & PageLog;
      page.setDefaultTimeout(ACTION_TIMEOUT_MS);
      page.consoleErrors = [];
      page.failedRequests = [];
      page.on("response", (r) => {
        if (r.status() >= 400) page.failedRequests.push(`${r.status()} ${r.request().method()} ${r.url().replace(/[?#].*/s, "")}`);
      });
      page.on("console", (m) => {
        if (m.type() === "error") page.consoleErrors.push(m.text().slice(0, 500));
      });
      page.on("pageerror", (e) => page.consoleErrors.push(`page error: ${e.message}`.slice(0, 500)));
      return page;
    },
    async close() {
      if (closed) return;
      closed = true;
      // unref: a context that closes at once must not keep the process 15 s longer.
      await Promise.race([context.close().catch(() => undefined), new Promise((r) => setTimeout(r, 15_000).unref())]);
      // Whatever did not exit with the context: Chromium's processes all name the profile folder.
      await killProcessesMentioning(userDataDir);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
