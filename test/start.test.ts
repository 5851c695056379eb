// npm start's options: the defaults a student gets, and bad input refused by name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStartArgs } from "../scripts/start";
import { NOTEBOOKS } from "../scripts/jupyter";

test("npm start serves the course's notebooks on 127.0.0.1, opening a browser, unless told otherwise", () => {
  assert.deepEqual(parseStartArgs([]), { classic: false, lab: false, ip: "127.0.0.1", browser: true, dir: NOTEBOOKS });
  assert.deepEqual(parseStartArgs(["--classic", "--no-browser", "--ip", "0.0.0.0", "--port=8899"]), { classic: true, lab: false, ip: "0.0.0.0", browser: false, dir: NOTEBOOKS, port: 8899 });
});

test("npm start refuses an unknown option, a bad port and a missing folder, naming each", () => {
  assert.throws(() => parseStartArgs(["--prot", "8899"]), /unknown option "--prot"[\s\S]*usage: npm start/);
  assert.throws(() => parseStartArgs(["--port", "99999"]), /--port must be a port number 1 to 65535, got "99999"/);
  assert.throws(() => parseStartArgs(["--port"]), /--port needs a value/);
  assert.throws(() => parseStartArgs(["--lab", "--classic"]), /--lab and --classic: choose one/);
  assert.throws(() => parseStartArgs(["--dir", "/no/such/folder"]), /--dir must be a folder, got "\/no\/such\/folder"/);
});
