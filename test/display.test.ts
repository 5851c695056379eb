import assert from "node:assert/strict";
import { test } from "node:test";
import * as Plot from "@observablehq/plot";
import { htmlTable, plot, render, textTable } from "../src/util/display";
import { checkNode, checkProgram, preflightChecks } from "../src/notebook/preflight";
import { claim, CLAIM_NOTE } from "../src/notebook/claim";

const rows = [{ host: "eastny", address: "192.168.56.101" }, { host: "midwood", address: "192.168.56.103" }];

test("a bare Plot svg is shown as SVG with its xmlns, so JupyterLab can draw it as an image", () => {
  const shown = render(plot({ marks: [Plot.dot(rows, { x: "address", y: "host" })] }));
  assert.equal(shown.mime, "image/svg+xml");
  assert.match(shown.markup, /^<svg[^>]* xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(shown.markup, /<circle/);
});

test("a figure with a legend is shown as HTML and every svg in it gets its xmlns", () => {
  const shown = render({ title: "hosts", color: { legend: true }, marks: [Plot.dot(rows, { x: "address", y: "host", fill: "host" })] });
  assert.equal(shown.mime, "text/html");
  assert.match(shown.markup, /^<figure/);
  const svgs = shown.markup.match(/<svg[^>]*>/g) ?? [];
  assert.ok(svgs.length >= 2, "the legend swatches and the plot");
  for (const svg of svgs) assert.match(svg, /xmlns="http:\/\/www.w3.org\/2000\/svg"/);
});

test("show refuses something that is not a Plot figure, naming what it got", () => {
  const doc = plot({ marks: [] }).ownerDocument;
  assert.throws(() => render(doc.createElement("div")), /figure must be an <svg> or <figure>.*<div>/);
  assert.throws(() => plot(null as never), /options must be an Observable Plot options object, got null/);
});

test("tables escape what they show", () => {
  const html = htmlTable([{ name: "<b>", value: 1 }]);
  assert.match(html, /<td style="text-align:left">&lt;b&gt;<\/td>/);
  assert.equal(textTable(rows, ["host", "address"]).split("\n")[2], "eastny   192.168.56.101");
});

test("preflight names Node versions too old for the course and the fix", () => {
  assert.equal(checkNode("20.19.0").ok, true);
  assert.equal(checkNode("22.1.0").ok, true);
  const old = checkNode("20.18.3");
  assert.equal(old.ok, false);
  assert.match(old.fix, /20\.19/);
  const checks = preflightChecks();
  assert.deepEqual(checks.map((c) => c.what), ["Node.js", "tslab kernel", "virtual lab (namespaces)", "tcpdump", "smcrouted (notebook 7's routers)", "nft (notebook 4's lossy link)"]);
  const missing = checkProgram("no-such-program-here", "no-such-package", "a test");
  assert.deepEqual(missing, { what: "no-such-program-here (a test)", ok: false, found: "not found", fix: "sudo apt-get install no-such-package" });
  for (const c of checks) assert.ok(c.ok || c.fix, `${c.what} failed without a fix`);
});

test("a claim that holds prints nothing; one the run contradicts prints a note naming it and what happened", () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (text: string) => lines.push(text);
  try {
    claim("both receivers got the message", true);
    claim("both receivers got the message", false, "flatbush got 0");
  } finally {
    console.log = log;
  }
  assert.equal(lines.length, 1);
  assert.ok(lines[0].startsWith(CLAIM_NOTE));
  assert.match(lines[0], /it says both receivers got the message, but flatbush got 0/);
  assert.throws(() => claim("", true), /statement must be/);
  assert.throws(() => claim("x", 1 as unknown as boolean), /holds must be true or false/);
});
