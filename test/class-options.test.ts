// npm run class's arguments at the door, the culler's choice of idle
// servers, the cap on labs as a class sets it, and the grader's names for
// collected submissions that share a file name.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { idleServers } from "../scripts/class/culler";
import { HubUser } from "../scripts/class/hub-api";
import { parseClassArgs, parseDuration, StartOptions } from "../scripts/class/options";
import { submissionLabels } from "../scripts/grade";
import { checkLabCap, labCap } from "../src/lab/lab-cap";

const dir = mkdtempSync(join(tmpdir(), "mcast-class-options-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const students = (text: string) => {
  const f = join(dir, `s${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(f, text);
  return f;
};

test("class: start's defaults, and each option checked", () => {
  const o = parseClassArgs([]) as StartOptions;
  assert.equal(o.command, "start");
  assert.equal(o.ip, "0.0.0.0");
  assert.equal(o.port, 8000);
  assert.equal(o.testLogin, false);
  assert.deepEqual(o.limits, { cpus: 1, memoryMiB: 2048, processes: 512, labs: 2 });
  assert.equal(o.idleTimeoutS, 3600);
  const t = parseClassArgs(["--test-login", "--students", students("alice\n# a comment\n\nbob  # and one after a name\n"), "--port=9001", "--cpus", "0.5", "--idle-timeout", "90s"]) as StartOptions;
  assert.equal(t.ip, "127.0.0.1", "test-login listens on 127.0.0.1");
  assert.deepEqual(t.students, ["alice", "bob"]);
  assert.equal(t.port, 9001);
  assert.equal(t.limits.cpus, 0.5);
  assert.equal(t.idleTimeoutS, 90);
  assert.equal(parseClassArgs(["list"]).command, "list");
  assert.deepEqual((parseClassArgs(["stop", "alice", "bob"]) as { students: string[] }).students, ["alice", "bob"]);
});

test("class: what it refuses, each time naming the argument, the value and what is allowed", () => {
  const refuses = (args: string[], message: RegExp) => assert.throws(() => parseClassArgs(args), message, args.join(" "));
  refuses(["--test-login", "--students", students("alice\n"), "--ip", "0.0.0.0"], /--test-login lets anyone in with one password, so it listens on 127.0.0.1 only, not 0.0.0.0/);
  refuses(["--test-login"], /--test-login needs --students FILE/);
  refuses(["--test-login", "--students", students("alice\n"), "--admin", "teacher"], /--admin teacher: with --test-login an admin must be in the students file/);
  refuses(["--password", "x"], /--password is for --test-login/);
  refuses(["--students", students("Alice\n")], /line 1: "Alice" is not a student name/);
  refuses(["--students", students("alice\nalice\n")], /line 2: alice is listed twice/);
  refuses(["--students", students("# nobody\n")], /lists no students/);
  refuses(["--students", join(dir, "missing.txt")], /is not a file/);
  refuses(["--port", "70000"], /--port must be a whole number from 1 to 65535, got "70000"/);
  refuses(["--ip", "localhost"], /--ip must be an IPv4 address/);
  refuses(["--idle-timeout", "30"], /--idle-timeout must be a duration such as 90s, 30m or 2h \(or 0 for never\), got "30"/);
  refuses(["--cpus", "two"], /--cpus must be a number of CPUs/);
  refuses(["--labs", "-1"], /--labs must be a whole number/);
  refuses(["--port"], /--port needs a value/);
  refuses(["--port", "1", "--port", "2"], /--port is given 2 times/);
  refuses(["--verbose"], /start: unknown option "--verbose"/);
  refuses(["list", "--out", "x"], /list: unknown option "--out"/);
  refuses(["collect"], /collect: --out DIR is required/);
  refuses(["stop"], /stop: name the students/);
  refuses(["stop", "../root"], /stop: "..\/root" is not a student name/);
  refuses(["grade"], /unknown command "grade"/);
  assert.equal(parseDuration("--x", "0"), 0);
  assert.equal(parseDuration("--x", "2h"), 7200);
});

test("the culler: a ready server idle longer than the timeout, and nothing else", () => {
  const now = Date.parse("2026-12-03T12:00:00Z");
  const user = (name: string, server?: { ready: boolean; pending?: string | null; last_activity: string | null; started?: string }): HubUser => ({
    name, admin: false, server: server ? `/user/${name}/` : null, pending: null, last_activity: null,
    servers: server ? { "": { name: "", url: "", ...server, started: server.started ?? null, pending: server.pending ?? null } } : {},
  });
  const users = [
    user("idle", { ready: true, last_activity: "2026-12-03T11:58:00Z" }),
    user("busy", { ready: true, last_activity: "2026-12-03T11:59:50Z" }),
    user("starting", { ready: false, pending: "spawn", last_activity: "2026-12-03T11:00:00Z" }),
    user("never-active", { ready: true, last_activity: null, started: "2026-12-03T11:50:00Z" }),
    user("no-server"),
  ];
  assert.deepEqual(idleServers(users, 60, now), ["idle", "never-active"]);
});

test("the cap on labs: read from MCAST_LAB_MAX_LABS, refused when it is not a number", () => {
  assert.equal(labCap({}), undefined);
  assert.equal(labCap({ MCAST_LAB_MAX_LABS: "0" }), undefined, "0 is no cap");
  assert.equal(labCap({ MCAST_LAB_MAX_LABS: "2" }), 2);
  assert.throws(() => labCap({ MCAST_LAB_MAX_LABS: "two" }), /MCAST_LAB_MAX_LABS must be a whole number of labs \(0 for no cap\), got "two"/);
  assert.doesNotThrow(() => checkLabCap({}));
});

test("grade: submissions that share a file name are told apart by their folder", () => {
  const labels = submissionLabels(["/c/alice/05-x.ipynb", "/c/bob/05-x.ipynb", "/c/alice/ko/05-x.ipynb", "/c/alice/03-y.ipynb"]);
  assert.deepEqual([...labels.values()], ["alice/05-x.ipynb", "bob/05-x.ipynb", "ko/05-x.ipynb", "03-y.ipynb"]);
  assert.deepEqual([...submissionLabels(["a/05-x.ipynb", "b/03-y.ipynb"]).values()], ["05-x.ipynb", "03-y.ipynb"], "a unique name stays as it was");
});
