// npm start as people run it, beyond the student journey (which runs it as
// root): an ordinary user with their own clone gets JupyterLab and a
// TypeScript kernel running as themselves, and one SIGTERM leaves none of
// their processes behind; and a front end that cannot be built says so and
// names the way out, leaving no half-built folder in the cache.
import assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { freePort } from "../scripts/browser/servers";
import { ROOT } from "../scripts/jupyter";
import { ensureLabApp, LAB_APP_FILES, PYTHON } from "../scripts/lab-frontend";
import { until } from "./until";

const NOBODY = 65534;
const hasLabServer = spawnSync(PYTHON, ["-c", "import jupyterlab_server"], { timeout: 20_000 }).status === 0;
const CI = process.env.CI === "true";

/** Everything a child says, and a promise of its exit. */
function watch(child: ChildProcess): { said: () => string; exited: Promise<number | null> } {
  let said = "";
  child.stdout?.on("data", (c: Buffer) => (said += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (said += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { said: () => said, exited };
}

function processesOf(uid: number): string[] {
  const out = spawnSync("ps", ["-u", String(uid), "-o", "pid=,args="], { encoding: "utf8", timeout: 10_000 }).stdout ?? "";
  return out.split("\n").map((l) => l.trim()).filter(Boolean);
}

const asNobody = process.getuid?.() !== 0 ? "needs root to become another user" : !hasLabServer && !CI ? "needs jupyterlab_server" : processesOf(NOBODY).length > 0 ? "user nobody already runs processes here" : false;

test("an ordinary user with their own clone: npm start serves JupyterLab, the kernel runs as them, and SIGTERM leaves nothing of theirs", { skip: asNobody, timeout: 6 * 60_000 }, async () => {
  const app = await ensureLabApp();
  const top = mkdtempSync(join(tmpdir(), "mcast-user-"));
  chmodSync(top, 0o755);
  let server: ChildProcess | undefined;
  try {
    // Their clone (dist/ built, node_modules shared read-only), their home, and a cache holding the built front end.
    const course = join(top, "course");
    execFileSync("git", ["clone", "--quiet", "--local", ROOT, course], { timeout: 60_000 });
    cpSync(join(ROOT, "dist"), join(course, "dist"), { recursive: true, preserveTimestamps: true });
    symlinkSync(join(ROOT, "node_modules"), join(course, "node_modules"));
    const cache = join(top, "cache", basename(app.dir));
    for (const f of [...LAB_APP_FILES, "build", ".complete"]) cpSync(join(app.dir, f), join(cache, f), { recursive: true });
    const home = join(top, "home");
    mkdirSync(home);
    execFileSync("chown", ["-R", `${NOBODY}:${NOBODY}`, course, home], { timeout: 30_000 });
    const port = await freePort();
    server = spawn("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, join(course, "dist", "scripts", "start.js"), "--no-browser", "--port", String(port)], {
      cwd: course,
      env: { PATH: process.env.PATH, HOME: home, MCAST_LAB_CACHE: join(top, "cache"), LANG: "C.UTF-8" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = watch(server);
    const url = await until("npm start prints its URL", 120_000, () => out.said().match(new RegExp(`http://127\\.0\\.0\\.1:${port}/lab\\?token=([0-9a-f]+)`)) ?? undefined).catch((e) => {
      throw new Error(`${(e as Error).message}\n${out.said()}`);
    });
    assert.match(out.said(), /JupyterLab 4 front end from the cache/, "it serves the course's JupyterLab");
    const token = url[1];
    const get = (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { Authorization: `token ${token}`, "Content-Type": "application/json" }, signal: AbortSignal.timeout(20_000) });
    const page = await get("/lab");
    assert.equal(page.status, 200, "GET /lab");
    assert.match(await page.text(), /mcast-lab|JupyterLab/);
    const listing = (await (await get("/api/contents")).json()) as { content: Array<{ name: string }> };
    assert.ok(listing.content.some((f) => f.name === "01-addresses.ipynb"), "the file browser lists the course's notebooks");
    const started = await get("/api/kernels", { method: "POST", body: JSON.stringify({ name: "tslab" }) });
    assert.equal(started.status, 201, `a TypeScript kernel starts: ${await started.clone().text()}`);
    await until("the kernel runs as the user", 30_000, () => (processesOf(NOBODY).some((p) => /tslab-kernel/.test(p)) ? true : undefined));
    server.kill("SIGTERM");
    await until("npm start exits on SIGTERM", 30_000, () => (server!.exitCode !== null || server!.signalCode !== null ? true : undefined));
    await until("no process of the user is left", 15_000, () => (processesOf(NOBODY).length === 0 ? true : undefined)).catch((e) => {
      throw new Error(`${(e as Error).message}: ${processesOf(NOBODY).join("; ")}`);
    });
  } finally {
    if (server && server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    for (const line of processesOf(NOBODY)) process.kill(Number(line.split(/\s+/)[0]), "SIGKILL");
    rmSync(top, { recursive: true, force: true });
  }
});

test("a JupyterLab front end that cannot be built says why and points at the classic Notebook, leaving no half-built folder", { timeout: 4 * 60_000 }, async () => {
  const top = mkdtempSync(join(tmpdir(), "mcast-nobuild-"));
  try {
    const cache = join(top, "cache");
    // An empty cache, an empty npm cache and a registry nobody answers: the first build cannot fetch a package.
    const child = spawn(process.execPath, [join(ROOT, "dist", "scripts", "start.js"), "--lab", "--no-browser", "--port", String(await freePort())], {
      env: { ...process.env, MCAST_LAB_CACHE: cache, npm_config_cache: join(top, "npm-cache"), npm_config_registry: "http://127.0.0.1:9/", npm_config_fetch_retries: "0", npm_config_fetch_timeout: "5000", npm_config_offline: "false", JUPYTER_CONFIG_DIR: join(top, "jc") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = watch(child);
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    const code = await out.exited;
    clearTimeout(timer);
    assert.equal(code, 1, `npm start exits 1:\n${out.said()}`);
    assert.match(out.said(), /building the JupyterLab front end .*about a minute/, "it said what it was doing");
    assert.match(out.said(), /the JupyterLab front end could not be built: .*npm.* ci/s, "it says the build failed, naming the step");
    assert.match(out.said(), /npm start -- --classic/, "and names the way out");
    const left = existsSync(cache) ? readdirSync(cache) : [];
    assert.deepEqual(left, [], "no half-built or locked folder is left in the cache");
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});
