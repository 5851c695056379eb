// A class on one hub, as `npm run class -- --test-login` opens it on
// 127.0.0.1: students log in, each gets their own JupyterLab running as their
// own uid, and notebook 03 runs in two students' servers at once, each with a
// lab the other cannot see; a student cannot read another's home or reach
// another's server; the idle culler stops a server nobody uses; the
// instructor collects the homework; and once the servers are stopped nothing
// of any student is left.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { launchChromium } from "../scripts/browser/chromium";
import { freePort } from "../scripts/browser/servers";
import { processesOf } from "../src/util/processes";
import { openClass } from "../scripts/class/start";
import { parseClassArgs, StartOptions } from "../scripts/class/options";
import { runInServer, ServerRun } from "../scripts/class/server-run";
import { ensureLabApp } from "../scripts/lab-frontend";
import { cellSource, Notebook, outputText, readNotebook } from "../scripts/notebook";
import { NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { until } from "./until";

const CI = process.env.CI === "true";
const PASSWORD = "multicast-class";
const UID_BASE = 61500;
const STUDENTS = ["alice", "bob", "carol"];
const uidOf = (name: string) => UID_BASE + STUDENTS.indexOf(name);
const skip = process.getuid?.() !== 0 ? "a class needs root (each student's server runs as their uid)" : !existsSync("/usr/bin/jupyterhub") && !CI ? "needs JupyterHub (sudo apt-get install jupyterhub)" : false;

/** The network namespaces a uid's processes are in. */
function netNamespaces(uid: number): Set<string> {
  const found = new Set<string>();
  for (const pid of processesOf(uid)) {
    try {
      found.add(readlinkSync(`/proc/${pid}/ns/net`));
    } catch {
      /* gone */
    }
  }
  return found;
}

/** The capture folders (src/capture/sniff.ts) a uid has in /tmp now, with their modes. */
function captureFolders(uid: number): { path: string; mode: number }[] {
  const found: { path: string; mode: number }[] = [];
  for (const f of readdirSync(tmpdir()).filter((f) => f.startsWith("mcast-sniff-"))) {
    try {
      const st = statSync(join(tmpdir(), f));
      if (st.uid === uid) found.push({ path: join(tmpdir(), f), mode: st.mode & 0o777 });
    } catch {
      /* gone */
    }
  }
  return found;
}

function probe(...cells: string[]): Notebook {
  return { cells: cells.map((source) => ({ cell_type: "code", metadata: {}, source, outputs: [] })), metadata: {}, nbformat: 4, nbformat_minor: 5 } as unknown as Notebook;
}

test("a class on one hub: students log in, run notebook 03 at once in servers of their own, cannot reach each other, are culled when idle, and leave nothing", { skip, timeout: 6 * 60_000 }, async (t) => {
  const state = mkdtempSync(join(tmpdir(), "mcast-class-"));
  const studentsFile = join(state, "students.txt");
  writeFileSync(studentsFile, `# the test's class\n${STUDENTS.join("\n")}\n`);
  const o = parseClassArgs([
    "--test-login", "--students", studentsFile, "--password", PASSWORD, "--port", String(await freePort()), "--state", state,
    "--idle-timeout", "20s", "--activity-every", "5", "--labs", "1", "--uid-base", String(UID_BASE),
  ]) as StartOptions;
  const started = Date.now();
  let cls: Awaited<ReturnType<typeof openClass>>;
  try {
    cls = await openClass(o);
  } catch (err) {
    rmSync(state, { recursive: true, force: true });
    throw err;
  }
  t.diagnostic(`hub up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cls.url}; ${cls.notes.join("; ") || "cgroups in effect"}`);
  const browser = await launchChromium(await ensureLabApp());
  try {
    // carol logs in and does nothing: the culler's case, waited for at the end.
    const carol = cls.api.startServer("carol");

    // The login form: the class password for a listed student, nothing else.
    const login = (username: string, password: string) =>
      fetch(`${cls.url}/hub/login`, { method: "POST", body: new URLSearchParams({ username, password }), redirect: "manual", signal: AbortSignal.timeout(15_000) });
    const ok = await login("bob", PASSWORD);
    assert.equal(ok.status, 302, "a listed student with the class password is let in");
    assert.match(ok.headers.get("set-cookie") ?? "", /jupyterhub-hub-login=/);
    for (const [who, pw] of [["bob", "wrong"], ["mallory", PASSWORD]]) {
      const refused = await login(who, pw);
      assert.equal(refused.status, 200, `${who} with ${pw === PASSWORD ? "the class password but not in the class" : "a wrong password"} gets the login page again`);
      assert.equal(refused.headers.get("set-cookie")?.includes("jupyterhub-hub-login="), undefined);
    }

    // alice, as a student would: the login page in a browser, then her own JupyterLab with her own copy of the notebooks.
    const page = await browser.newPage();
    await page.goto(`${cls.url}/hub/login`);
    await page.locator("#username_input").click();
    await page.keyboard.insertText("alice");
    await page.locator("#password_input").click();
    await page.keyboard.insertText(PASSWORD);
    await page.locator("#login_submit").click();
    await page.locator(".jp-DirListing-item", { hasText: "03-lab.ipynb" }).waitFor({ timeout: 90_000 });
    const listed = await page.locator(".jp-DirListing-content").innerText();
    for (const f of readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb"))) assert.ok(listed.includes(f), `alice's file browser lists ${f}`);
    await page.evaluate(() => undefined, null);
    assert.match(await page.evaluate(() => location.pathname, null), /^\/user\/alice\/lab/);
    assert.deepEqual(page.failedRequests, [], "no request of JupyterLab's page under the hub fails");
    assert.deepEqual(page.consoleErrors, [], "and it logs no console error");
    assert.equal(statSync(join(state, "homes", "alice")).uid, uidOf("alice"));
    assert.equal(statSync(join(state, "homes", "alice")).mode & 0o777, 0o700, "alice's home is hers alone");
    const copy = statSync(join(state, "homes", "alice", "mcast-lab"));
    assert.equal(copy.uid, uidOf("alice"), "her copy of the notebooks was made by her");
    assert.equal(copy.mode & 0o777, 0o700, "and is hers alone");

    await cls.api.startServer("bob");
    const token = { alice: await cls.api.tokenFor("alice", "class.test", 900), bob: await cls.api.tokenFor("bob", "class.test", 900) };
    // alice's browser, logged in as alice, asks for bob's JupyterLab: the hub refuses her.
    const theirs = (await page.goto(`${cls.url}/user/bob/lab`)) as { status(): number; url(): string };
    assert.equal(theirs.status(), 403, `alice's browser at bob's server: ${theirs.url()}`);
    assert.equal(await page.locator(".jp-DirListing-item").count(), 0, "and no file browser of bob's");
    await page.close();

    // Notebook 03 in both servers at once; once each lab is up and capturing, look at both from outside.
    const nb = readNotebook(join(NOTEBOOKS, "03-lab.ipynb"));
    const sniffCell = nb.cells.findIndex((c) => c.cell_type === "code" && cellSource(c).includes("const sniffing = mc.sniff("));
    const seen: Record<string, { namespaces: Set<string>; captures: { path: string; mode: number }[] }> = {};
    const runs = await Promise.all((["alice", "bob"] as const).map((name) =>
      runInServer(nb, {
        server: `${cls.url}/user/${name}`, token: token[name], path: "03-lab.ipynb", cellTimeoutSec: 90,
        onCell: (cell) => {
          if (cell.index === sniffCell) seen[name] = { namespaces: netNamespaces(uidOf(name)), captures: captureFolders(uidOf(name)) };
        },
      })));
    const byName: Record<string, ServerRun> = { alice: runs[0], bob: runs[1] };
    for (const name of ["alice", "bob"]) {
      const run = byName[name];
      const bad = run.cells.filter((c) => c.status !== "ok").map((c) => `cell ${c.index}: ${c.status} ${outputText(c.outputs).slice(0, 300)}`);
      assert.deepEqual(bad, [], `${name}'s run of notebook 03`);
      assert.equal(run.cells.length, nb.cells.filter((c) => c.cell_type === "code").length, `every code cell of ${name}'s notebook ran`);
      // The demonstration's transcript is an HTML <pre>, one line per line a host printed.
      const all = run.cells.flatMap((c) => c.outputs.map((o) => o.text ?? o.data?.["text/html"] ?? "")).join("\n");
      assert.equal(all.match(/^Hello, World!$/gm)?.length, 2, `${name}'s demonstration: flatbush and eastny print the message`);
      assert.ok(seen[name], `${name}'s lab was looked at while it was up`);
      // The machine's own (the server and the kernel) and one per lab host with a process in it.
      assert.ok(seen[name].namespaces.size >= 5, `${name}'s processes are in her lab's four hosts' namespaces too (${seen[name].namespaces.size} network namespaces)`);
      assert.equal(seen[name].captures.length, 1, `${name} has one capture folder while capturing`);
      assert.equal(seen[name].captures[0].mode & 0o077, 0, `${name}'s capture folder is hers alone`);
      t.diagnostic(`${name}: notebook 03 in ${run.cells.reduce((s, c) => s + c.seconds, 0).toFixed(1)} s (kernel ${run.kernelSeconds.toFixed(1)} s)`);
    }
    const shared = [...seen.alice.namespaces].filter((ns) => seen.bob.namespaces.has(ns));
    // Both servers are in the machine's own network namespace (that is where the hub reaches them); their labs are not.
    const machine = readlinkSync("/proc/self/ns/net");
    assert.deepEqual(shared.filter((ns) => ns !== machine), [], "no lab namespace is in both students' labs");

    // alice's kernel cannot read bob's home, runs as her, and has the class's cap on labs.
    const bobHome = join(state, "homes", "bob");
    const probeRun = await runInServer(probe(
      `const fs = require("node:fs");\ntry { fs.readdirSync(${JSON.stringify(bobHome)}); console.log("READ bob's home"); } catch (e) { console.log("refused:", (e as NodeJS.ErrnoException).code); }\nconsole.log("uid", process.getuid!(), "labs", process.env.MCAST_LAB_MAX_LABS);`,
      `import * as mc from "mcast-lab";\nconst lab = await mc.up();\nconst second = require("node:child_process").spawnSync(process.execPath, ["-e", "require('mcast-lab').up().then((l) => l.down(), (e) => { console.log(e.message); process.exitCode = 3; })"], { encoding: "utf8", timeout: 30000 });\nconsole.log("second lab:", second.status, second.stdout);\nawait lab.down();`,
    ), { server: `${cls.url}/user/alice`, token: token.alice, path: "probe.ipynb", cellTimeoutSec: 60 });
    const said = probeRun.cells.map((c) => outputText(c.outputs)).join("\n");
    assert.deepEqual(probeRun.cells.map((c) => c.status), ["ok", "ok"], said);
    assert.match(said, /refused: EACCES/, "alice's kernel cannot list bob's home");
    assert.match(said, new RegExp(`uid ${uidOf("alice")} labs 1`));
    assert.match(said, /second lab: 3 this class allows 1 lab at a time per student, and you have 1 up/, "a second lab past the cap is refused, saying why");

    // alice's token does not open bob's server; her browser's cookie does not either.
    const cross = await fetch(`${cls.url}/user/bob/api/status`, { headers: { Authorization: `token ${token.alice}` }, redirect: "manual", signal: AbortSignal.timeout(15_000) });
    assert.equal(cross.status, 403, "alice's token is refused at bob's server");
    const mine = await fetch(`${cls.url}/user/alice/api/status`, { headers: { Authorization: `token ${token.alice}` }, signal: AbortSignal.timeout(15_000) });
    assert.equal(mine.status, 200, "and accepted at her own");

    // alice saves an answer; the instructor collects everyone's exercise notebooks.
    const exercise = "05-interface-exercise.ipynb";
    const saved = JSON.parse(readFileSync(join(NOTEBOOKS, exercise), "utf8"));
    saved.cells.push({ cell_type: "markdown", metadata: {}, source: "alice was here", id: "alice-note" });
    const put = await fetch(`${cls.url}/user/alice/api/contents/${exercise}`, {
      method: "PUT", headers: { Authorization: `token ${token.alice}`, "Content-Type": "application/json" },
      body: JSON.stringify({ type: "notebook", format: "json", content: saved }), signal: AbortSignal.timeout(15_000),
    });
    assert.equal(put.status, 200, `alice saves ${exercise} through her server`);
    const out = join(state, "collected");
    const collected = await promisify(execFile)(process.execPath, [join(ROOT, "dist", "scripts", "class.js"), "collect", "--out", out, "--state", state], { timeout: 60_000 });
    assert.match(readFileSync(join(out, "alice", exercise), "utf8"), /alice was here/, "alice's saved notebook is collected");
    assert.ok(existsSync(join(out, "bob", exercise)), "bob's untouched notebook is collected too (so his grade says 0, not nothing)");
    assert.ok(!existsSync(join(out, "alice", "ko", exercise)), "of alice's two editions, only the one she changed");
    assert.match(collected.stdout, /npm run grade/);

    // carol did nothing for 20 s: the culler stopped her server, and everything of hers went with it.
    await carol;
    await until("the idle culler stopping carol's server", 90_000, async () => ((await cls.api.user("carol")).servers?.[""] ? undefined : true));
    assert.match(readFileSync(join(state, "jupyterhub.log"), "utf8"), /carol: idle for more than 20 s, stopping the server/);
    assert.deepEqual(processesOf(uidOf("carol")), [], "nothing of carol's is left");

    // The instructor stops alice's and bob's servers: none of their processes, labs or cgroups is left.
    const listed2 = await promisify(execFile)(process.execPath, [join(ROOT, "dist", "scripts", "class.js"), "list", "--state", state], { timeout: 30_000 });
    assert.match(listed2.stdout, /alice\s+running/);
    assert.match(listed2.stdout, /carol\s+stopped/);
    await Promise.all(["alice", "bob"].map((name) => cls.api.stopServer(name)));
    for (const name of ["alice", "bob"]) {
      assert.deepEqual(processesOf(uidOf(name)), [], `no process of ${name}'s is left once her server is stopped`);
      for (const root of cls.settings.cgroupRoots) assert.ok(!existsSync(join(root.path, name)), `${name}'s cgroup ${join(root.path, name)} is removed`);
    }
  } catch (err) {
    // What the hub said is the first thing anyone debugging this wants.
    t.diagnostic(`the hub's last lines:\n${readFileSync(join(state, "jupyterhub.log"), "utf8").split("\n").slice(-40).join("\n")}`);
    throw err;
  } finally {
    await browser.close();
    await cls.close();
    rmSync(state, { recursive: true, force: true });
  }
  for (const root of cls.settings.cgroupRoots) assert.ok(!existsSync(root.path), `the class's cgroup ${root.path} is removed`);
  for (const name of STUDENTS) assert.deepEqual(processesOf(uidOf(name)), [], `nothing of ${name}'s is left after the class`);
  await assert.rejects(fetch(`${cls.url}/hub/api/`, { signal: AbortSignal.timeout(5000) }), "the hub no longer answers");
});
