// What this machine can do for the course, checked in well under a second and
// shown as one table in each notebook's first cell: a missing piece is named
// with the one line that fixes it, before a later cell fails on it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { escapeHtml, html, isTslabProcess, table } from "../util/display";
import { courseRoot } from "../util/course-root";
import { findProgram, findPython3 } from "../util/programs";
import { userNamespaceFix } from "../lab/user-namespaces";

/** One line of the preflight table: what was checked, what was found, and the fix. */
export interface Check {
  what: string;
  ok: boolean;
  found: string;
  /** The one-line fix, when not ok. */
  fix: string;
}

const MIN_NODE: [number, number] = [20, 19];

export function checkNode(version = process.versions.node): Check {
  const [major, minor] = version.split(".").map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    what: "Node.js",
    ok,
    found: `v${version}`,
    fix: ok ? "" : `install Node.js >= ${MIN_NODE.join(".")} (Observable Plot is ESM-only and needs require(esm))`,
  };
}

export function checkKernel(): Check {
  let version = "";
  try {
    version = (require("tslab/package.json") as { version: string }).version;
  } catch {
    /* not installed */
  }
  const running = isTslabProcess();
  return {
    what: "tslab kernel",
    ok: version !== "",
    found: version ? `tslab ${version}${running ? " (this kernel)" : ""}` : "not installed",
    fix: version ? "" : "npm ci   (in the course folder)",
  };
}

/** Can this process build the virtual lab (network namespaces)? */
export function checkLab(): Check {
  const what = "virtual lab (namespaces)";
  const unshare = findProgram("unshare");
  const ip = findProgram("ip");
  if (!unshare || !ip) {
    return { what, ok: false, found: `${unshare ? "" : "unshare "}${ip ? "" : "ip "}missing`.trim(), fix: "sudo apt-get install util-linux iproute2" };
  }
  // The lab's supervisor is a Python script (src/lab/supervisor.py).
  if (!findPython3()) return { what, ok: false, found: "python3 missing (the lab's supervisor)", fix: "sudo apt-get install python3" };
  const root = process.getuid?.() === 0;
  // The same namespaces the lab asks for (src/lab/lab.ts).
  const lab = ["--net", "--mount", "--uts", "--pid", "--fork", "--kill-child", "--mount-proc", "true"];
  const args = root ? lab : ["--user", "--map-current-user", "--keep-caps", ...lab];
  const probe = spawnSync(unshare, args, { timeout: 3000, encoding: "utf8" });
  if (probe.status === 0) {
    return { what, ok: true, found: root ? "yes, as root" : "yes, unprivileged user namespaces", fix: "" };
  }
  const why = (probe.stderr || probe.error?.message || "").trim().split("\n")[0];
  return { what, ok: false, found: `no: ${why}`, fix: userNamespaceFix() };
}

export function checkTcpdump(): Check {
  const path = findProgram("tcpdump");
  if (!path) return { what: "tcpdump", ok: false, found: "not found", fix: "sudo apt-get install tcpdump" };
  const run = spawnSync(path, ["--version"], { timeout: 3000, encoding: "utf8" });
  const version = `${run.stdout}${run.stderr}`.match(/tcpdump version (\S+)/)?.[1] ?? "?";
  return { what: "tcpdump", ok: true, found: `${version} (${path})`, fix: "" };
}

export function preflightChecks(): Check[] {
  return [checkNode(), checkKernel(), checkLab(), checkTcpdump()];
}

/** Show the preflight table in the cell (preflightChecks() has the data), and where the API reference is. */
export function preflight(): void {
  const checks = preflightChecks();
  table(
    checks.map((c) => ({ "": c.ok ? "✔" : "✘", what: c.what, found: c.found, fix: c.fix })),
    { caption: checks.every((c) => c.ok) ? "Ready: everything the course uses is here." : "Some parts are missing; the fix is on each line." },
  );
  showReference();
}

/**
 * A link to the reference of everything `mc.` holds. notebooks/api links to
 * docs/api, which `npm run docs` writes (and `npm start` when it is missing),
 * so the link is relative to the notebook and works in either front end.
 */
function showReference(): void {
  const written = existsSync(join(courseRoot(), "docs", "api", "index.html"));
  const how = written ? "" : " (not written yet: run `npm run docs` in the course folder)";
  html(`<p>Every <code>mc.</code> function and type, with its options: <a href="api/index.html" target="_blank">the API reference</a>${escapeHtml(how)}.</p>`,
    `Every mc. function and type: the API reference, notebooks/api/index.html${how}.`);
}
