#!/usr/bin/env node
// The course's kernel: tslab, plus three duties tslab lacks, and a faster start.
//
// 1. Jupyter starts a kernel in a session of its own and names itself in
//    JPY_PARENT_PID; when that parent dies (a killed server or test runner)
//    tslab would live on as an orphan holding sockets and labs. Here it exits.
// 2. A cell's last expression becomes an `execute_result` (Out[n]), as in
//    every other Jupyter kernel, instead of text on stdout. nbgrader reads a
//    grade cell's execute_result as its partial credit, so a check cell whose
//    last expression is the points earned scores the same under nbgrader.
// 3. The execute request's `stop_on_error` is honoured. tslab drops every
//    request that arrives within 200 ms of a failed one, whatever the client
//    asked; nbgrader and nbclient ask for `stop_on_error: false` when they
//    allow errors, and then a failing answer cell must not make the check
//    cell after it come back aborted and empty.
// 4. Only @types/node is read automatically. TypeScript includes every package
//    of every node_modules/@types above the notebook; the course's own build
//    needs @types/jsdom, and with it came lib.dom.d.ts (820 kB) and
//    tough-cookie: about 1 MB of the 4 MB of declarations tslab parsed before
//    the kernel answered, 0.36 s of its 1.55 s (measured here). A notebook runs
//    in Node, where the DOM's globals do not exist anyway; a package that
//    needs other declarations still gets them through its own imports.
// 5. A port it cannot listen on ends it. Jupyter picks a kernel's five ports
//    as free and hands them over; another process can take one meanwhile
//    (seen with two Jupyter servers starting kernels at once). tslab then
//    logs the rejected bind and lives on deaf, and the page waits a minute
//    for a kernel_info reply that never comes. Exiting lets Jupyter's
//    restarter start the kernel again, on new random ports. And the `ipc`
//    transport works (Unix sockets, no ports to collide: the tests' servers
//    use it): tslab wrote its addresses as ipc://PATH:PORT, where Jupyter
//    connects to ipc://PATH-PORT.
"use strict";
const { inspect } = require("node:util");

{
  // The copy tslab itself loads, wherever npm put it.
  const tslabDir = require("node:path").dirname(require.resolve("tslab/dist/converter.js"));
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] }));
  const getDirectories = ts.sys.getDirectories;
  ts.sys.getDirectories = function (path) {
    const found = getDirectories.call(this, path);
    return /[\\/]node_modules[\\/]@types[\\/]?$/.test(path) ? found.filter((name) => name === "node") : found;
  };
}

const parent = Number(process.env.JPY_PARENT_PID);
if (Number.isInteger(parent) && parent > 1) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
  }, 1000).unref();
}

const executor = require("tslab/dist/executor.js");
const jupyter = require("tslab/dist/jupyter.js");

// (5)
const bindSocket = jupyter.ZmqServer.prototype.bindSocket;
jupyter.ZmqServer.prototype.bindSocket = async function (sock, port) {
  try {
    if (this.connInfo.transport === "ipc") return await sock.bind(`ipc://${this.connInfo.ip}-${port}`);
    return await bindSocket.call(this, sock, port);
  } catch (err) {
    process.stderr.write(`tslab: cannot listen on port ${port} (${err && err.message}): exiting, so that Jupyter starts the kernel again on other ports\n`);
    process.exit(1);
  }
};

// (2) The executor prints the last expression with the `log` it was given;
// that call is the only use of it. Send it as an execute_result of the
// request being executed instead.
let sendResult = null;
const createExecutor = executor.createExecutor;
executor.createExecutor = (rootDir, convs, console) =>
  createExecutor(rootDir, convs, {
    log: (value) => {
      if (sendResult) sendResult(value);
      else console.log(value);
    },
    error: console.error,
  });

function plainText(value) {
  // console.log's reading: strings as they are, everything else inspected.
  return typeof value === "string" ? value : inspect(value);
}

const Server = jupyter.ZmqServer.prototype;
const serverExecute = Server.handleExecute;
Server.handleExecute = async function (sock, msg) {
  const server = this;
  sendResult = (value) => {
    const out = msg.createReply();
    out.header.msg_type = "execute_result";
    out.content = { execution_count: server.handler.execCount, data: { "text/plain": plainText(value) }, metadata: {} };
    out.signAndSend(server.connInfo.key, server.iopub);
  };
  try {
    return await serverExecute.call(this, sock, msg);
  } finally {
    sendResult = null;
  }
};

// (3) A request with stop_on_error false runs after the one before it however
// that ended, and its own failure cancels nothing queued after it.
const Handler = jupyter.JupyterHandlerImpl.prototype;
const handlerExecute = Handler.handleExecute;
Handler.handleExecute = async function (req, writeStream, writeDisplayData) {
  if (!req || req.stop_on_error !== false) return handlerExecute.call(this, req, writeStream, writeDisplayData);
  const queue = this.execQueue;
  const task = queue.prev.then(
    () => this.handleExecuteImpl(req, writeStream, writeDisplayData),
    () => this.handleExecuteImpl(req, writeStream, writeDisplayData),
  );
  queue.prev = task.catch(() => undefined);
  try {
    const count = await task;
    return { status: "ok", execution_count: count.count };
  } catch (e) {
    // handleExecuteImpl throws the cell's ExecutionCount when the cell failed.
    if (e && typeof e.count === "number") return { status: "error", execution_count: e.count };
    console.error("unexpected error:", e);
    return { status: "error", execution_count: undefined };
  }
};

require("tslab/dist/main.js").main();
