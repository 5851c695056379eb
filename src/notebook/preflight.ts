// What this machine can do for the course, checked in well under a second and
// shown as one table in each notebook's first cell: a missing piece is named
// with the one line that fixes it, before a later cell fails on it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { escapeHtml, html, isTslabProcess, table } from "../util/display";
import { courseRoot } from "../util/course-root";
import { findProgram, findPython3 } from "../util/programs";
import { userNamespaceFix } from "../lab/user-namespaces";
import { say } from "../i18n/lang";

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
    fix: ok ? "" : say(`install Node.js >= ${MIN_NODE.join(".")} (Observable Plot is ESM-only and needs require(esm))`, `Node.js >= ${MIN_NODE.join(".")}을(를) 설치하세요 (Observable Plot은 ESM 전용이라 require(esm)이 필요합니다)`),
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
    what: say("tslab kernel", "tslab 커널"),
    ok: version !== "",
    found: version ? `tslab ${version}${running ? say(" (this kernel)", " (지금 이 커널)") : ""}` : say("not installed", "설치되지 않음"),
    fix: version ? "" : say("npm ci   (in the course folder)", "npm ci   (과정 폴더에서)"),
  };
}

/** Can this process build the virtual lab (network namespaces)? */
export function checkLab(): Check {
  const what = say("virtual lab (namespaces)", "가상 실습 환경 (네임스페이스)");
  const unshare = findProgram("unshare");
  const ip = findProgram("ip");
  if (!unshare || !ip) {
    return { what, ok: false, found: `${unshare ? "" : "unshare "}${ip ? "" : "ip "}${say("missing", "없음")}`.trim(), fix: "sudo apt-get install util-linux iproute2" };
  }
  // The lab's supervisor is a Python script (src/lab/supervisor.py).
  if (!findPython3()) return { what, ok: false, found: say("python3 missing (the lab's supervisor)", "python3 없음 (실습 환경의 감독 프로세스)"), fix: "sudo apt-get install python3" };
  const root = process.getuid?.() === 0;
  // The same namespaces the lab asks for (src/lab/lab.ts).
  const lab = ["--net", "--mount", "--uts", "--pid", "--fork", "--kill-child", "--mount-proc", "true"];
  const args = root ? lab : ["--user", "--map-current-user", "--keep-caps", ...lab];
  const probe = spawnSync(unshare, args, { timeout: 3000, encoding: "utf8" });
  if (probe.status === 0) {
    return { what, ok: true, found: root ? say("yes, as root", "예, root로") : say("yes, unprivileged user namespaces", "예, 비특권 사용자 네임스페이스로"), fix: "" };
  }
  const why = (probe.stderr || probe.error?.message || "").trim().split("\n")[0];
  return { what, ok: false, found: say(`no: ${why}`, `아니요: ${why}`), fix: userNamespaceFix() };
}

export function checkTcpdump(): Check {
  const path = findProgram("tcpdump");
  if (!path) return { what: "tcpdump", ok: false, found: say("not found", "찾을 수 없음"), fix: "sudo apt-get install tcpdump" };
  const run = spawnSync(path, ["--version"], { timeout: 3000, encoding: "utf8" });
  const version = `${run.stdout}${run.stderr}`.match(/tcpdump version (\S+)/)?.[1] ?? "?";
  return { what: "tcpdump", ok: true, found: `${version} (${path})`, fix: "" };
}

/** A program only some notebooks use: found, or the apt line that installs it, and which notebooks need it. */
export function checkProgram(program: string, pkg: string, neededBy: string, versionFlag = "--version"): Check {
  const what = `${program} (${neededBy})`;
  const path = findProgram(program);
  if (!path) return { what, ok: false, found: say("not found", "찾을 수 없음"), fix: `sudo apt-get install ${pkg}` };
  const run = spawnSync(path, [versionFlag], { timeout: 3000, encoding: "utf8" });
  const version = `${run.stdout}${run.stderr}`.match(/\bv?(\d+\.\d+(?:\.\d+)?)/)?.[1] ?? "?";
  return { what, ok: true, found: `${version} (${path})`, fix: "" };
}

export function preflightChecks(): Check[] {
  return [
    checkNode(),
    checkKernel(),
    checkLab(),
    checkTcpdump(),
    // Used by some notebooks only: a missing one says which.
    checkProgram("smcrouted", "smcroute", say("notebook 7's routers", "노트북 7의 라우터"), "-v"),
    checkProgram("nft", "nftables", say("notebook 4's lossy link", "노트북 4의 손실 링크"), "--version"),
  ];
}

/** Show the preflight table in the cell (preflightChecks() has the data), and where the API reference is. */
export function preflight(): void {
  const checks = preflightChecks();
  table(
    checks.map((c) => ({ "": c.ok ? "✔" : "✘", [say("what", "항목")]: c.what, [say("found", "확인 결과")]: c.found, [say("fix", "해결 방법")]: c.fix })),
    {
      caption: checks.every((c) => c.ok)
        ? say("Ready: everything the course uses is here.", "준비 완료: 이 과정에 필요한 것이 모두 있습니다.")
        : say("Some parts are missing; the fix is on each line.", "빠진 것이 있습니다. 해결 방법은 각 줄에 있습니다."),
    },
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
  const how = written ? "" : say(" (not written yet: run `npm run docs` in the course folder)", " (아직 만들어지지 않았습니다: 과정 폴더에서 `npm run docs`를 실행하세요)");
  // Relative to the notebook's folder (the kernel's working folder): notebooks/api, from an edition's notebooks/ko too.
  const href = relative(process.cwd(), join(courseRoot(), "notebooks", "api", "index.html")).split(sep).join("/");
  html(
    say(
      `<p>Every <code>mc.</code> function and type, with its options: <a href="${escapeHtml(href)}" target="_blank">the API reference</a>${escapeHtml(how)}.</p>`,
      `<p><code>mc.</code>의 모든 함수와 타입, 그리고 옵션: <a href="${escapeHtml(href)}" target="_blank">API 레퍼런스</a>${escapeHtml(how)}.</p>`,
    ),
    say(`Every mc. function and type: the API reference, notebooks/api/index.html${how}.`, `mc.의 모든 함수와 타입: API 레퍼런스, notebooks/api/index.html${how}.`),
  );
}
